"""Form helpers shared by every app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

DJANGO_BLANK = "---------"  # Django's label for "nothing chosen": a developer artefact on a Korean page


def _korean_blank(field: forms.Field) -> None:
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_BLANK:
            field.empty_label = _("선택하세요")
    elif isinstance(field, forms.ChoiceField):
        choices: list[tuple[object, object]] = list(field.choices)  # type: ignore[arg-type]
        if any(label == DJANGO_BLANK for _value, label in choices):
            field.choices = [
                (value, _("선택하세요") if label == DJANGO_BLANK else label) for value, label in choices
            ]


def style_fields(form: forms.Form, *, small: bool = False) -> None:
    """Bootstrap classes on every widget of a plain Django form; a Korean "nothing chosen" label."""
    for field in form.fields.values():
        _korean_blank(field)
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.RadioSelect):
            continue
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select" + (" form-select-sm" if small else ""))
        else:
            widget.attrs.setdefault("class", "form-control" + (" form-control-sm" if small else ""))


def mark_invalid(form: forms.Form, names: tuple[str, ...]) -> None:
    """Fields drawn by hand (not by crispy): a field with errors gets Bootstrap's is-invalid, and
    aria-invalid / aria-describedby pointing at its message (the template gives it the id
    `<auto_id>_error`)."""
    for name in names:
        if name not in form.fields:
            continue
        attrs = form.fields[name].widget.attrs
        if form.errors.get(name):
            attrs["class"] = (attrs.get("class", "") + " is-invalid").strip()
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{form[name].auto_id}_error"
