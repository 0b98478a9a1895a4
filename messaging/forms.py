from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .body import VARIABLES, check_template_source, render_source
from .encoding import euc_kr_length
from .models import Message, Purpose
from .selectors import MessageFilters


class MessageFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("상태"), required=False, choices=[("", _("전체"))] + Message.Status.choices
    )
    purpose = forms.ChoiceField(label=_("용도"), required=False, choices=[("", _("전체"))] + Purpose.choices)
    q = forms.CharField(label=_("휴대폰/아이디"), required=False, max_length=30)
    date_from = forms.DateField(
        label=_("시작일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("종료일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = (
                f"{css} form-select-sm" if css == "form-select" else f"{css} form-control-sm"
            )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("시작일이 종료일보다 늦습니다."))
        return data

    def filters(self) -> MessageFilters:
        data = self.cleaned_data if self.is_valid() else {}
        tz = timezone.get_current_timezone()
        today = timezone.localdate()
        date_from = data.get("date_from") or today - dt.timedelta(days=6)
        date_to = data.get("date_to") or today
        return MessageFilters(
            status=data.get("status", ""),
            purpose=data.get("purpose", ""),
            query=data.get("q", ""),
            since=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz),
            until=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
        )


class MessageTemplateForm(forms.Form):
    body = forms.CharField(label=_("본문"), widget=forms.Textarea(attrs={"rows": 5}), max_length=2000)

    def __init__(self, *args, purpose: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.purpose = purpose

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        check_template_source(body)
        if euc_kr_length(render_source(body, VARIABLES[self.purpose])) > 2000:
            raise forms.ValidationError(_("예시 값으로 만든 메시지가 LMS 최대 길이(2,000바이트)를 넘습니다."))
        return body
