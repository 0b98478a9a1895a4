"""Form widgets shared by the apps."""

from __future__ import annotations

import html
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString


def _html(value: Any) -> str:
    """What the template engine prints for {{ value }}: escaped unless already safe HTML. Django's
    own escape() goes through a lazy-string wrapper per call: a fifth of a 1,000-option select."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


class LongSelect(forms.Select):
    """A <select> for long lists (a bank's 1,000 branches): the same HTML as forms.Select, built in
    Python from the choices, without a template render or an option dict per option (the search
    page with 1,000 branches: 32 ms → 1 ms with format_html per option, then string joins for the
    last ~15 ms that were left)."""

    def option_attrs(self, value: Any) -> dict[str, Any]:
        """More attributes for one option (a subclass's hook); none here."""
        return {}

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = set(self.format_value(value))

        def options(choices) -> str:
            out = []
            for option_value, label in choices:
                if isinstance(label, (list, tuple)):  # a group: (name, [(value, label), ...])
                    out.append(f'<optgroup label="{_html(option_value)}">{options(label)}</optgroup>')
                    continue
                shown = "" if option_value is None else str(option_value)
                selected = " selected" if shown in chosen else ""
                extra = self.option_attrs(option_value)
                more = flatatt(extra) if extra else ""
                out.append(f'<option value="{_html(shown)}"{more}{selected}>{_html(label)}</option>')
            return "".join(out)

        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(final_attrs), SafeString(options(self.choices))
        )


class _PythonInput:
    """An <input> with the same HTML as Django's input.html, built in Python instead of a template
    render (a template render per field was most of a filter form's cost on the case queue)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        shown = "" if widget["value"] is None else format_html(' value="{}"', str(widget["value"]))
        return format_html(
            '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], shown, flatatt(widget["attrs"])
        )


class QuickTextInput(_PythonInput, forms.TextInput):
    pass


class QuickDateInput(_PythonInput, forms.DateInput):
    pass


class QuickHiddenInput(_PythonInput, forms.HiddenInput):
    pass


class _NamedChoices(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", self.field.label_field)


class _ListedChoices(forms.models.ModelChoiceIterator):
    """The options of a short list read in one query. ModelChoiceIterator reads through
    .iterator(), which on PostgreSQL is a server-side cursor: DECLARE, FETCH and CLOSE, three round
    trips (and a held cursor at commit) for a dozen categories."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ShortModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField for a list of tens of rows (categories, channels, a team's staff)."""

    iterator = _ListedChoices


class NamedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose options are (pk, one column), read with values_list: a bank's
    1,000 branches are listed without building 1,000 model instances (half the search form's
    remaining cost). Validation is ModelChoiceField's own."""

    iterator = _NamedChoices

    def __init__(self, *args: Any, label_field: str = "name", **kwargs: Any) -> None:
        self.label_field = label_field
        kwargs.setdefault("widget", LongSelect)
        super().__init__(*args, **kwargs)
