from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import day_end, day_start
from core.params import BoundedDateField

from .body import template_check
from .buttons import buttons_parse
from .models import Message, Purpose
from .selectors import MessageFilters


class MessageFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("상태"), required=False, choices=[("", _("전체"))] + Message.Status.choices
    )
    purpose = forms.ChoiceField(label=_("용도"), required=False, choices=[("", _("전체"))] + Purpose.choices)
    q = forms.CharField(label=_("휴대폰/아이디"), required=False, max_length=30)
    date_from = BoundedDateField(
        label=_("시작일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = BoundedDateField(
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
        today = timezone.localdate()
        date_from = data.get("date_from") or today - dt.timedelta(days=6)
        date_to = data.get("date_to") or today
        return MessageFilters(
            status=data.get("status", ""),
            purpose=data.get("purpose", ""),
            query=data.get("q", ""),
            since=day_start(date_from),
            until=day_end(date_to),
        )


class MessageTemplateForm(forms.Form):
    body = forms.CharField(label=_("본문"), widget=forms.Textarea(attrs={"rows": 5}), max_length=2000)

    alimtalk_template = forms.CharField(
        label=_("알림톡 템플릿 코드"),
        required=False,
        max_length=64,
        help_text=_("카카오에서 승인된 템플릿 코드. 비워 두면 문자로만 보냅니다."),
    )

    alimtalk_buttons = forms.CharField(
        label=_("알림톡 버튼"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "카카오에서 승인된 템플릿의 버튼을 한 줄에 하나씩: 종류 | 이름 | 모바일 링크 | PC 링크. "
            "종류는 WL(웹 링크), AL(앱 링크), DS, BK, MD, AC. 이름은 14자까지, 웹 링크는 http(s) 주소."
        ),
    )

    def __init__(self, *args, purpose: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.purpose = purpose
        self.fields["alimtalk_template"].widget.attrs["class"] = "form-control font-monospace"
        self.fields["alimtalk_buttons"].widget.attrs["class"] = "form-control font-monospace"

    def clean_alimtalk_buttons(self) -> list[dict[str, str]]:
        return buttons_parse(self.cleaned_data.get("alimtalk_buttons") or "")

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        template_check(self.purpose, body)  # a ValidationError here becomes the field's error
        return body

    def clean(self):
        data = super().clean()
        if data.get("alimtalk_template") and data.get("body"):
            template_check(self.purpose, data["body"], alimtalk=True)
        if data.get("alimtalk_buttons") and not data.get("alimtalk_template"):
            self.add_error("alimtalk_buttons", _("버튼은 알림톡 템플릿 코드와 함께 저장합니다."))
        return data
