from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from consultations.forms import MiddleCategorySelect
from consultations.models import Channel, MainCategory, MiddleCategory
from core.forms import style_fields
from core.params import BoundedDateField
from core.widgets import LongSelect, QuickDateInput, QuickHiddenInput, QuickTextInput
from customers.models import User

from .models import Case, Team, bank_day_end, bank_day_start
from .selectors import VIEWS


class _MiddleChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: MiddleCategory) -> str:
        return obj.name


def active_teams():
    return Team.objects.filter(is_active=True).order_by("name")


class CaseOpenForm(forms.Form):
    kind = forms.ChoiceField(label=_("유형"), choices=Case.Kind.choices, initial=Case.Kind.COMPLAINT)
    priority = forms.ChoiceField(
        label=_("중요도"), choices=Case.Priority.choices, initial=Case.Priority.NORMAL
    )
    team = forms.ModelChoiceField(label=_("보낼 팀"), queryset=Team.objects.none())
    main_category = forms.ModelChoiceField(label=_("대분류"), queryset=MainCategory.objects.none())
    middle_category = _MiddleChoice(
        label=_("중분류"),
        required=False,
        queryset=MiddleCategory.objects.none(),
        widget=MiddleCategorySelect(attrs={"data-dependent-on": "id_main_category"}),
    )
    channel = forms.ModelChoiceField(label=_("접수 채널"), required=False, queryset=Channel.objects.none())
    title = forms.CharField(label=_("제목"), max_length=100)
    description = forms.CharField(label=_("내용"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = active_teams()
        self.fields["main_category"].queryset = MainCategory.objects.active()
        self.fields["middle_category"].queryset = MiddleCategory.objects.filter(is_active=True).order_by(
            "code"
        )
        self.fields["channel"].queryset = Channel.objects.order_by("sort_order")
        style_fields(self)


class TransferForm(forms.Form):
    team = forms.ModelChoiceField(label=_("보낼 팀"), queryset=Team.objects.none())
    note = forms.CharField(label=_("이관 메모"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, exclude_team: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = active_teams().exclude(pk=exclude_team)  # type: ignore[attr-defined]
        style_fields(self, small=True)


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("반려 사유"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self, small=True)


class EntryForm(forms.Form):
    body = forms.CharField(label=_("내용"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self, small=True)


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("종결 안내 (손님에게 보임, 선택)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self, small=True)


class CaseFilterForm(forms.Form):
    # Every control renders in Python (core.widgets): the queue is opened all day, and one template
    # render per field and per option was most of the page's CPU time.
    view = forms.ChoiceField(required=False, choices=[(v, v) for v in VIEWS], widget=QuickHiddenInput)
    status = forms.ChoiceField(
        label=_("상태"),
        required=False,
        choices=[("", _("상태 전체")), *Case.Status.choices],
        widget=LongSelect,
    )
    kind = forms.ChoiceField(
        label=_("유형"), required=False, choices=[("", _("유형 전체")), *Case.Kind.choices], widget=LongSelect
    )
    priority = forms.ChoiceField(
        label=_("중요도"),
        required=False,
        choices=[("", _("중요도 전체")), *Case.Priority.choices],
        widget=LongSelect,
    )
    team = forms.ModelChoiceField(
        label=_("팀"),
        required=False,
        queryset=Team.objects.none(),
        empty_label=_("팀 전체"),
        widget=LongSelect,
    )
    opened_from = BoundedDateField(
        label=_("접수일 시작"), required=False, widget=QuickDateInput(attrs={"type": "date"})
    )
    opened_to = BoundedDateField(
        label=_("접수일 종료"), required=False, widget=QuickDateInput(attrs={"type": "date"})
    )
    q = forms.CharField(
        label=_("제목 또는 손님 이름"),
        required=False,
        max_length=50,
        widget=QuickTextInput(attrs={"placeholder": _("제목 또는 손님 이름")}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.only("id", "name").order_by("name")  # (the label is the name)
        style_fields(self, small=True)


class _StaffChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.name} ({obj.username} · {obj.get_role_display()})"


class _StaffOne(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.name} ({obj.username})"


class TeamForm(forms.Form):
    name = forms.CharField(label=_("팀 이름"), max_length=50)
    code = forms.SlugField(label=_("팀 코드"), max_length=20, help_text=_("영문 소문자, 숫자, -"))
    description = forms.CharField(label=_("담당 업무"), max_length=200, required=False)
    manager = _StaffOne(label=_("팀장"), required=False, queryset=User.objects.none())
    members = _StaffChoice(
        label=_("팀원"),
        required=False,
        queryset=User.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    day_starts_at = forms.TimeField(
        label=_("업무 시작"),
        initial=bank_day_start,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("영업일(주말·공휴일 제외)의 업무시간: 처리기한과 남은 시간을 이 시간으로 셉니다."),
    )
    day_ends_at = forms.TimeField(
        label=_("업무 종료"),
        initial=bank_day_end,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    is_active = forms.BooleanField(label=_("운영 중"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(role__in=User.STAFF_ROLES, is_active=True).order_by("name", "username")
        self.fields["manager"].queryset = staff
        self.fields["members"].queryset = staff
        style_fields(self)

    def clean(self):
        data = super().clean() or {}
        starts, ends = data.get("day_starts_at"), data.get("day_ends_at")
        if starts and ends and ends <= starts:
            self.add_error("day_ends_at", _("업무 종료 시각은 시작 시각보다 늦어야 합니다."))
        return data
