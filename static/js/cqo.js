/* Behaviour the templates ask for with data attributes, instead of inline handlers (the
   Content-Security-Policy allows no inline script). Delegated from the document, so it also
   covers content HTMX swaps in. */
(function () {
  "use strict";
  // <select data-submit-on-change>: submit its form when the choice changes
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute("data-submit-on-change") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });
  // <form data-confirm="question"> or <button data-confirm="question">: ask before submitting
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var button = event.submitter;
    var question =
      (button && button.getAttribute && button.getAttribute("data-confirm")) ||
      form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
