from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import style_fields
from core.params import beyond_horizon

from .content import check_content, strip_frame
from .models import AlimtalkTemplate, BannedWord, Campaign, Segment
from .selectors import FILTER_FIELDS

_LOCAL = "%Y-%m-%dT%H:%M"


class SegmentForm(forms.ModelForm):
    class Meta:
        model = Segment
        fields = ("name", *FILTER_FIELDS)
        labels = {"consultation_within_days": _("최근 상담 기간(일 이내)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.ChoiceField | forms.ModelChoiceField) and name != "name":
                field.empty_label = _("전체") if isinstance(field, forms.ModelChoiceField) else None
                if not isinstance(field, forms.ModelChoiceField):
                    field.choices = [("", _("전체")), *[c for c in field.choices if c[0] != ""]]
        self.fields["consultation_within_days"].widget.attrs.update({"min": 1, "max": 3650})
        self.fields["name"].required = False  # only saving needs a name
        style_fields(self)

    def clean_consultation_within_days(self):
        days = self.cleaned_data.get("consultation_within_days")
        if days is not None and not 1 <= days <= 3650:
            raise ValidationError(_("기간은 1일에서 3,650일 사이로 입력하세요."), code="days")
        return days

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            field: (data[field].pk if hasattr(data.get(field), "pk") else data.get(field))
            for field in FILTER_FIELDS
        }


class CampaignForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label=_("발송 시작"),
        input_formats=[_LOCAL],
        widget=forms.DateTimeInput(format=_LOCAL, attrs={"type": "datetime-local"}),
    )
    ends_at = forms.DateTimeField(
        label=_("발송 종료"),
        input_formats=[_LOCAL],
        widget=forms.DateTimeInput(format=_LOCAL, attrs={"type": "datetime-local"}),
    )

    class Meta:
        model = Campaign
        fields = Campaign.CONTENT_FIELDS
        widgets = {
            "body": forms.Textarea(attrs={"rows": 6, "maxlength": 1800}),
            "window_start": forms.TimeInput(
                format="%H:%M", attrs={"type": "time", "min": "08:00", "max": "21:00"}
            ),
            "window_end": forms.TimeInput(
                format="%H:%M", attrs={"type": "time", "min": "08:00", "max": "21:00"}
            ),
        }
        help_texts = {
            "body": _("(광고) 표시와 무료수신거부 문구는 자동으로 붙으며 지울 수 없습니다."),
            "alimtalk_template": _(
                "알림톡은 카카오가 승인한 템플릿 문안 그대로 보냅니다 (본문은 템플릿 문안으로 바뀝니다). "
                "카카오톡으로 받을 수 없는 손님에게는 같은 내용을 문자로 보냅니다."
            ),
            "window_start": _("08:00~21:00 사이에서만 보냅니다 (정보통신망법 §50)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = Segment.objects.order_by("-created_at")
        self.fields["segment"].empty_label = _("세그먼트를 고르세요")
        self.fields["alimtalk_template"].queryset = AlimtalkTemplate.objects.filter(is_active=True)
        self.fields["alimtalk_template"].empty_label = _("알림톡일 때 고르세요")
        self.fields["body"].required = False  # an alimtalk takes its template's text
        self.fields["max_per_hour"].widget.attrs.update({"min": 1, "max": 100000})
        style_fields(self)

    def clean_body(self):
        return strip_frame(self.cleaned_data.get("body") or "")

    def clean_max_per_hour(self):
        value = self.cleaned_data["max_per_hour"]
        if not 1 <= value <= 100000:
            raise ValidationError(_("시간당 발송은 1건에서 100,000건 사이로 입력하세요."), code="pace")
        return value

    def clean(self):
        data = super().clean()
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and (start < dt.time(8) or end > dt.time(21) or end <= start):
            self.add_error(
                "window_end", _("하루 발송 시간은 08:00~21:00 안에서 시작보다 늦게 끝나야 합니다.")
            )
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("발송 종료는 발송 시작보다 늦어야 합니다."))
        for name in ("starts_at", "ends_at"):
            if data.get(name) and beyond_horizon(data[name]):
                self.add_error(name, _("발송 기간은 오늘부터 2년 안에서 정해 주세요."))
        if data.get("channel") == Campaign.Channel.ALIMTALK:
            template = data.get("alimtalk_template")
            if template is None:
                self.add_error("alimtalk_template", _("알림톡 템플릿을 고르세요."))
            else:
                data["body"] = strip_frame(template.body)
        else:
            data["alimtalk_template"] = None
            if not data.get("body") and "body" not in self.errors:
                self.add_error("body", _("본문을 입력하세요."))
        if data.get("body") and data.get("channel"):
            try:
                check_content(data["body"], data["channel"])
            except ValidationError as exc:
                self.add_error("body", exc)
        return data


class SegmentUploadForm(forms.Form):
    name = forms.CharField(label=_("세그먼트 이름"), max_length=80)
    file = forms.FileField(
        label=_("CSV 파일"),
        help_text=_(
            "한 줄에 한 명: 첫 칸에 손님번호(C00001234), 휴대폰 번호(010-1234-5678) 또는 손님 아이디. 첫 줄 제목(손님번호, 휴대폰)은 있어도 됩니다."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("반려 사유"), max_length=200)


class TestSendForm(forms.Form):
    phone = forms.CharField(label=_("내 휴대폰 번호"), max_length=20)


class BannedWordForm(forms.ModelForm):
    class Meta:
        model = BannedWord
        fields = ("word",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def clean_word(self):
        word = self.cleaned_data["word"].strip()
        if len(word) < 2:
            raise ValidationError(_("금칙어는 두 글자 이상이어야 합니다."), code="short")
        if BannedWord.objects.filter(word__iexact=word).exists():
            raise ValidationError(_("이미 등록된 금칙어입니다."), code="exists")
        return word
