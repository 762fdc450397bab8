from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's field errors beside the form's fields; the rest go on top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, messages in exc.message_dict.items():
        target = field if field in form.fields else None
        for message in messages:
            if target is None and field not in ("__all__",):
                label = field
                form.add_error(None, f"{label}: {message}")
            else:
                form.add_error(target, message)


class BootstrapForm(forms.Form):
    """Gives every widget its Bootstrap class, so templates render fields plainly."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                widget.attrs["class"] = "form-check-input"
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
