"""The customer page's one form of its own: why a staff member asks to see a customer's full details."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RevealReason(forms.Form):
    REASONS = [
        ("identity", _("본인 확인 (손님 요청)")),
        ("contact", _("손님 연락 (콜백·안내)")),
        ("case", _("민원·요청 처리")),
        ("other", _("기타")),
    ]
    reason = forms.ChoiceField(label=_("조회 사유"), choices=REASONS)
    reason_text = forms.CharField(label=_("사유 설명"), min_length=2, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["reason_text"].widget.attrs.update(
            {"class": "form-control form-control-sm", "placeholder": _("예: 전화 문의 손님 본인 확인")}
        )
