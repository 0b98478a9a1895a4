from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("아이디"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("비밀번호"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("아이디 또는 비밀번호가 올바르지 않습니다."),
        "inactive": _("사용이 중지된 계정입니다. 가까운 영업점에 문의해 주세요."),
    }


def style_fields(form: forms.Form, *, small: bool = False) -> None:
    """Bootstrap classes on every widget of a plain Django form."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.RadioSelect):
            continue
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select" + (" form-select-sm" if small else ""))
        else:
            widget.attrs.setdefault("class", "form-control" + (" form-control-sm" if small else ""))


class CustomerSearchForm(forms.Form):
    q = forms.CharField(label=_("이름, 아이디 또는 휴대폰 번호"), required=False, max_length=50)
    birth_date = forms.DateField(
        label=_("생년월일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def clean(self):
        data = super().clean()
        q = (data.get("q") or "").strip()
        if not q and not data.get("birth_date"):
            raise forms.ValidationError(_("검색어나 생년월일을 입력해 주세요."))
        if q and len(q) < 2:
            raise forms.ValidationError(_("검색어는 두 글자 이상 입력해 주세요."))
        return data
