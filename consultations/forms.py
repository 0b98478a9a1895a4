from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from branches.models import Branch
from core.forms import style_fields
from core.params import BoundedDateField
from core.widgets import (
    LongSelect,
    NamedModelChoiceField,
    QuickDateInput,
    QuickTextInput,
    ShortModelChoiceField,
)
from customers.models import User

from .links import RECORD_LINKS
from .models import (
    Booking,
    CancelReason,
    Channel,
    Consultation,
    ConsultationNote,
    MainCategory,
    MiddleCategory,
    Progress,
)
from .search import ConsultationFilters
from .services import NOTE_FIELDS


class MiddleCategorySelect(LongSelect):
    """Each option carries its main category, so the page can show only the matching ones."""

    def option_attrs(self, value):
        instance = getattr(value, "instance", None)
        return {"data-main": instance.main_id} if instance is not None else {}


class _MiddleChoice(ShortModelChoiceField):
    def label_from_instance(self, obj: MiddleCategory) -> str:
        return obj.name


class ConsultationForm(forms.ModelForm):
    middle_category = _MiddleChoice(
        label=_("중분류"),
        queryset=MiddleCategory.objects.none(),
        widget=MiddleCategorySelect(attrs={"data-dependent-on": "id_main_category"}),
    )
    occurred_at = forms.DateTimeField(
        label=_("상담 일시"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )

    class Meta:
        model = Consultation
        fields = list(NOTE_FIELDS)  # what a note holds is the service's to say
        widgets = {"notes": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, offer_case=False, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A new record may link to what came before it on another channel (consultations/links.py).
        for link in RECORD_LINKS if customer is not None and not self.instance.pk else ():
            options = link.choices(customer)
            if options:
                self.fields[link.field] = forms.TypedChoiceField(
                    label=link.label,
                    choices=[("", link.empty_label), *options],
                    coerce=int,
                    required=False,
                    empty_value=None,
                )
        if offer_case:
            # Not part of the note: after saving, the view opens the case form with it linked.
            self.fields["open_case"] = forms.BooleanField(
                label=_("민원/요청 접수 (저장 후 담당 팀에 보낼 사건을 엽니다)"), required=False
            )
        # Only active categories and channels, plus the ones an existing note already uses.
        current = self.instance if self.instance.pk else None
        self.fields["main_category"].queryset = MainCategory.objects.filter(
            pk__in=[
                *MainCategory.objects.active().values_list("pk", flat=True),
                *([current.main_category_id] if current else []),
            ]
        )
        self.fields["middle_category"].queryset = MiddleCategory.objects.filter(
            pk__in=[
                *MiddleCategory.objects.active().values_list("pk", flat=True),
                *([current.middle_category_id] if current else []),
            ]
        ).select_related("main")
        self.fields["channel"].queryset = Channel.objects.filter(
            pk__in=[
                *Channel.objects.active().values_list("pk", flat=True),
                *([current.channel_id] if current else []),
            ]
        )
        if not self.instance.pk:
            self.initial.setdefault("occurred_at", timezone.localtime().replace(second=0, microsecond=0))
            # A record is written after the talk, so it is usually finished (완료), not just
            # received (접수, the model's default for a record that arrives unfinished via the API).
            self.initial.setdefault("progress", Progress.DONE)
        style_fields(self)


class ConsultationNoteForm(forms.Form):
    """A note another member of staff adds to a consultation (the record stays its author's)."""

    body = forms.CharField(
        label=_("추가 메모"),
        max_length=ConsultationNote.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("메모 내용을 입력해 주세요."),
            "max_length": _("메모는 %(limit_value)s자까지 쓸 수 있습니다 (지금 %(show_value)s자)."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class BookingOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("예약 결과"),
        choices=[(Booking.Status.COMPLETED, _("상담 완료")), (Booking.Status.NO_SHOW, _("노쇼 (미방문)"))],
        widget=forms.RadioSelect,
    )


class _PeriodCategoryChannelFilter(forms.Form):
    """Period, category and channel: the filters the staff search and the customer's history share.
    Every widget is rendered in Python (core/widgets.py): the same HTML without a template render
    per option and per field (the search page's filter form was a third of its time)."""

    date_from = BoundedDateField(
        label=_("시작일"), required=False, widget=QuickDateInput(attrs={"type": "date"})
    )
    date_to = BoundedDateField(
        label=_("종료일"), required=False, widget=QuickDateInput(attrs={"type": "date"})
    )
    main_category = ShortModelChoiceField(
        label=_("대분류"),
        required=False,
        queryset=MainCategory.objects.all(),
        empty_label=_("전체"),
        widget=LongSelect,
    )
    middle_category = _MiddleChoice(
        label=_("중분류"),
        required=False,
        queryset=MiddleCategory.objects.select_related("main"),
        empty_label=_("전체"),
        widget=MiddleCategorySelect(attrs={"data-dependent-on": "id_main_category"}),
    )
    channel = ShortModelChoiceField(
        label=_("채널"),
        required=False,
        queryset=Channel.objects.all(),
        empty_label=_("전체"),
        widget=LongSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self, small=True)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("시작일이 종료일보다 늦습니다."))
        return data

    def _shared_filters(self) -> dict:
        d = self.cleaned_data
        return {
            "date_from": d.get("date_from"),
            "date_to": d.get("date_to"),
            "main_category_id": d["main_category"].pk if d.get("main_category") else None,
            "middle_category_id": d["middle_category"].pk if d.get("middle_category") else None,
            "channel_id": d["channel"].pk if d.get("channel") else None,
        }


class ConsultationSearchForm(_PeriodCategoryChannelFilter):
    staff = ShortModelChoiceField(
        label=_("담당 직원"),
        required=False,
        empty_label=_("전체"),
        queryset=User.objects.filter(role__in=User.STAFF_ROLES).order_by("name"),
        widget=LongSelect,
    )
    branch = NamedModelChoiceField(
        label=_("지점"),
        required=False,
        empty_label=_("전체"),
        queryset=Branch.objects.all(),  # a bank has hundreds
    )
    progress = forms.ChoiceField(
        label=_("진행상태"), required=False, choices=[("", _("전체")), *Progress.choices], widget=LongSelect
    )
    follow_up = forms.ChoiceField(
        label=_("추가상담"),
        required=False,
        choices=[("", _("전체")), ("y", _("필요")), ("n", _("불필요"))],
        widget=LongSelect,
    )
    customer = forms.CharField(
        label=_("손님 (이름/아이디)"), required=False, max_length=50, widget=QuickTextInput
    )
    keyword = forms.CharField(
        label=_("검색어 (제목·내용)"), required=False, max_length=50, widget=QuickTextInput
    )
    sort = forms.ChoiceField(
        label=_("정렬"),
        required=False,
        choices=[("new", _("최신순")), ("old", _("오래된순"))],
        widget=LongSelect,
    )

    def filters(self) -> ConsultationFilters:
        d = self.cleaned_data
        return ConsultationFilters(
            **self._shared_filters(),
            staff_id=d["staff"].pk if d.get("staff") else None,
            branch_id=d["branch"].pk if d.get("branch") else None,
            progress=d.get("progress", ""),
            follow_up={"y": True, "n": False}.get(d.get("follow_up", "")),
            customer=d.get("customer", ""),
            keyword=d.get("keyword", ""),
            ascending=d.get("sort") == "old",
        )


class StaffBookingForm(forms.Form):
    """A follow-up booked by staff on the customer's behalf: who, how, what about, and the slot."""

    staff = forms.ModelChoiceField(
        label=_("담당 직원"),
        queryset=User.objects.filter(role__in=[User.Role.TELLER, User.Role.AGENT], is_active=True)
        .select_related("staff_profile__branch")
        .order_by("staff_profile__branch__code", "name"),
    )
    channel = forms.ModelChoiceField(
        label=_("상담 방법"), queryset=Channel.objects.filter(is_bookable=True, is_active=True)
    )
    main_category = forms.ModelChoiceField(label=_("상담 분야"), queryset=MainCategory.objects.active())
    slot = forms.DateTimeField(label=_("시간"), widget=forms.HiddenInput, required=False)
    note = forms.CharField(label=_("요청사항"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].label_from_instance = lambda u: (
            f"{u.name} · {u.staff_profile.branch.name} ({u.get_role_display()})"
        )
        style_fields(self)

    def clean_slot(self) -> dt.datetime | None:
        value = self.cleaned_data.get("slot")
        if value is None and self.data.get("slot") is not None:
            raise forms.ValidationError(_("예약할 시간을 선택해 주세요."))
        return value


class MyHistoryFilterForm(_PeriodCategoryChannelFilter):
    """The customer's own history: period, category, channel."""

    def filters(self, *, customer: User) -> ConsultationFilters:
        shared = self._shared_filters() if self.is_valid() else {}
        return ConsultationFilters(customer_id=customer.pk, **shared)


class CustomerBookingForm(forms.Form):
    """A customer books a follow-up: how, where (for a visit), about what, and the slot (staff|start)."""

    channel = forms.ModelChoiceField(
        label=_("상담 방법"),
        queryset=Channel.objects.filter(is_bookable=True, is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    branch: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("방문할 지점"), required=False, queryset=None, empty_label=_("지점을 고르세요")
    )
    main_category = forms.ModelChoiceField(
        label=_("상담 분야"), queryset=MainCategory.objects.active(), empty_label=None
    )
    slot = forms.CharField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(label=_("요청사항 (선택)"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from branches.models import Branch

        self.fields["branch"].queryset = Branch.objects.filter(kind=Branch.Kind.BRANCH, is_active=True)
        style_fields(self)

    def clean_slot(self) -> tuple[int, dt.datetime] | None:
        return parse_staff_slot(self.cleaned_data.get("slot") or "")


def parse_staff_slot(raw: str) -> tuple[int, dt.datetime] | None:
    """A picked slot "<staff id>|<ISO start>" (what the slot picker posts)."""
    if not raw:
        return None
    staff_id, _sep, stamp = raw.partition("|")
    moment = parse_datetime(stamp)
    if not staff_id.isdigit() or moment is None or moment.tzinfo is None:
        raise forms.ValidationError(_("선택한 시간을 알 수 없습니다. 다시 골라 주세요."))
    return int(staff_id), moment


class RescheduleForm(forms.Form):
    slot = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_slot(self) -> tuple[int, dt.datetime]:
        picked = parse_staff_slot(self.cleaned_data.get("slot") or "")
        if picked is None:
            raise forms.ValidationError(_("바꿀 시간을 선택해 주세요."))
        return picked


class StaffCancelForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("취소 사유"), choices=[("", _("사유를 고르세요")), *CancelReason.choices]
    )
    note = forms.CharField(label=_("설명 (기타일 때 필수)"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class CallbackRequestForm(forms.Form):
    when = forms.ChoiceField(
        label=_("언제 전화드릴까요?"),
        choices=[("asap", _("가능한 빨리")), ("window", _("원하는 시간"))],
        widget=forms.RadioSelect,
        initial="asap",
    )
    window_start = forms.DateTimeField(
        label=_("시작"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    window_end = forms.DateTimeField(
        label=_("종료"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    phone = forms.CharField(label=_("연락받을 번호"), max_length=20)
    main_category = forms.ModelChoiceField(
        label=_("상담 분야"), queryset=MainCategory.objects.active(), empty_label=None
    )
    topic = forms.CharField(label=_("문의 내용 (선택)"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class CallbackUnreachableForm(forms.Form):
    retry_at = forms.DateTimeField(
        label=_("다시 걸 시간"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
