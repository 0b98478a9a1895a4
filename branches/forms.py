from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import style_fields

from .models import Branch


class BranchSearchForm(forms.Form):
    q = forms.CharField(label=_("지점명 또는 지역 (시·구·동)"), required=False, max_length=50)
    service = forms.MultipleChoiceField(
        label=_("업무"),
        required=False,
        choices=Branch.Service.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    open_now = forms.BooleanField(label=_("지금 영업 중"), required=False)
    near = forms.CharField(label=_("기준 위치 (동네 이름)"), required=False, max_length=50)
    lat = forms.FloatField(required=False, min_value=33, max_value=39, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=124, max_value=132, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self, small=True)


class BranchForm(forms.ModelForm):
    services = forms.MultipleChoiceField(
        label=_("제공 업무"),
        required=False,
        choices=Branch.Service.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    class Meta:
        model = Branch
        fields = [
            "code", "name", "kind", "phone1", "phone2", "postcode", "address", "latitude", "longitude",
            "opens_at", "closes_at", "services", "remarks", "is_active",
        ]  # fmt: skip
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "remarks": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def clean(self):
        data = super().clean()
        lat, lng = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lng is None):
            raise forms.ValidationError(_("위도와 경도는 함께 입력하세요."))
        if lat is not None and not (33 <= lat <= 39 and 124 <= lng <= 132):
            raise forms.ValidationError(_("좌표가 대한민국 밖입니다. 위도·경도를 확인하세요."))
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            raise forms.ValidationError(_("업무 종료 시각은 시작 시각보다 늦어야 합니다."))
        return data
