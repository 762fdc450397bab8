"""The public verification page of a certificate (the QR code's target), no login."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cqo.certification import forms, rules, selectors
from cqo.certification.models import LevelCertificate
from cqo.lib import clock
from cqo.lib.bounds import max_length
from cqo.lib.errors import rate_limited_page
from cqo.lib.lookups import too_many_lookups

# Public verification ---------------------------------------------------------------------------


def verify_lookup(request: HttpRequest) -> HttpResponse:
    form = forms.LookupForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect("certification:verify", number=form.cleaned_data["number"].strip().upper())
    return render(request, "certification/verify_lookup.html", {"form": form})


def _not_found(request: HttpRequest, number: str) -> HttpResponse:
    """未查到: the lookup page again with the number as typed, so a slip is easy to mend."""
    kept = number[: max_length(LevelCertificate, "number")]
    form = forms.LookupForm(initial={"number": kept})
    context = {"form": form, "missed": kept}
    return render(request, "certification/verify_lookup.html", context, status=404)


def verify(request: HttpRequest, number: str) -> HttpResponse:
    """The facts printed on the certificate and the status, as of now; nothing personal beyond
    the holder's name and organisation, not the score (SPEC §6). Rate-limited per address like
    the API."""
    if too_many_lookups(request):
        return rate_limited_page(request)
    try:
        cert = selectors.public_certificate(number)
    except Http404:
        return _not_found(request, number)
    return render(
        request,
        "certification/verify.html",
        {
            "cert": cert,
            "c": rules.public_facts(cert.content),
            "public": True,
            "shown": rules.shown_status(cert.status, cert.valid_until, clock.today()),
            "intact": selectors.content_intact(cert),
            "sm2_ok": selectors.content_signature_ok(cert),
            "successor_number": selectors.successor_number(cert),
        },
    )
