"""Cases (사건/접수건): a complaint or request that travels between teams until it is resolved.

The case row holds where the case stands now; every hand-off, note and status change is a
CaseEntry, so the history is read from entries and never rewritten.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.business_hours import Day, default_day


def bank_day_start() -> dt.time:
    return default_day()[0]


def bank_day_end() -> dt.time:
    return default_day()[1]


class Team(models.Model):
    """A group of staff that can solve a kind of case (카드팀, 여신팀, 민원센터 …)."""

    name = models.CharField(_("팀 이름"), max_length=50, unique=True)
    code = models.SlugField(_("팀 코드"), max_length=20, unique=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("팀장"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_teams",
    )
    members: models.ManyToManyField = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="TeamMember", related_name="teams", verbose_name=_("팀원")
    )
    description = models.CharField(_("담당 업무"), max_length=200, blank=True)
    is_active = models.BooleanField(_("운영 중"), default=True)
    # The team's working day on banking days: its cases' deadlines and "N시간 남음" count these hours.
    day_starts_at = models.TimeField(_("업무 시작"), default=bank_day_start)
    day_ends_at = models.TimeField(_("업무 종료"), default=bank_day_end)

    class Meta:
        verbose_name = _("팀")
        verbose_name_plural = _("팀")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(day_ends_at__gt=models.F("day_starts_at")), name="team_day_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def working_day(self) -> Day:
        return self.day_starts_at, self.day_ends_at


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("팀원")
        verbose_name_plural = _("팀원")
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="team_member_once")]
        indexes = [models.Index(fields=["user", "team"], name="team_member_user")]

    def __str__(self) -> str:
        return f"{self.team_id}:{self.user_id}"


# The statuses of the queues' partial indexes (plain strings: the Meta below cannot see Case.Status).
OPEN_STATUSES = ("received", "in_progress", "returned")
ACTIVE_STATUSES = (*OPEN_STATUSES, "answered")


class Case(models.Model):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("민원")
        REQUEST = "request", _("요청")
        PRAISE = "praise", _("칭찬")
        SUGGESTION = "suggestion", _("제안")

    class Priority(models.TextChoices):
        LOW = "low", _("낮음")
        NORMAL = "normal", _("보통")
        HIGH = "high", _("높음")
        URGENT = "urgent", _("긴급")

    class Status(models.TextChoices):
        RECEIVED = "received", _("접수")
        IN_PROGRESS = "in_progress", _("처리중")
        ANSWERED = "answered", _("답변완료")
        CLOSED = "closed", _("종결")
        RETURNED = "returned", _("반려")

    # Still waiting for the bank: the deadline clock runs and the overdue alarm watches these.
    OPEN = (Status.RECEIVED, Status.IN_PROGRESS, Status.RETURNED)
    # What the staff tabs list unless a status is chosen: open, or answered and not yet closed.
    ACTIVE = (*OPEN, Status.ANSWERED)

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("손님"), on_delete=models.PROTECT, related_name="cases"
    )
    kind = models.CharField(_("유형"), max_length=16, choices=Kind.choices, default=Kind.COMPLAINT)
    priority = models.CharField(_("중요도"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    title = models.CharField(_("제목"), max_length=100)
    description = models.TextField(_("내용"))
    main_category = models.ForeignKey(
        "consultations.MainCategory", verbose_name=_("대분류"), on_delete=models.PROTECT, related_name="+"
    )
    middle_category = models.ForeignKey(
        "consultations.MiddleCategory",
        verbose_name=_("중분류"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.ForeignKey(
        "consultations.Channel",
        verbose_name=_("접수 채널"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("상태"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    team = models.ForeignKey(Team, verbose_name=_("담당 팀"), on_delete=models.PROTECT, related_name="cases")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("담당자"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    # Where the last hand-off came from: a return goes back there, to the person who sent it.
    sent_from_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("보낸 팀")
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("보낸 사람"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("접수자"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opened_cases",
    )
    opened_team = models.ForeignKey(
        Team,
        verbose_name=_("접수 팀"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opened_cases",
    )
    source_consultation = models.ForeignKey(
        "consultations.Consultation",
        verbose_name=_("원 상담"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_inquiry = models.ForeignKey(
        "inquiries.Inquiry",
        verbose_name=_("원 문의"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_client = models.ForeignKey(
        "api.ApiClient",
        verbose_name=_("연동 시스템"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    external_id = models.CharField(_("외부 ID"), max_length=64, null=True, blank=True)
    opened_at = models.DateTimeField(_("접수 일시"), default=timezone.now)
    due_at = models.DateTimeField(_("처리 기한"))
    answered_at = models.DateTimeField(_("답변 일시"), null=True, blank=True)
    closed_at = models.DateTimeField(_("종결 일시"), null=True, blank=True)
    # The first answer (or the closing of a case that needs none). Business hours come from the
    # holiday calendar in Python, so the time to resolution is fixed here once, for SQL to aggregate.
    resolved_at = models.DateTimeField(_("해결 일시"), null=True, blank=True)
    resolution_hours = models.FloatField(_("해결까지 업무시간"), null=True, blank=True)
    overdue_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("사건")
        verbose_name_plural = _("사건")
        constraints = [
            models.UniqueConstraint(
                fields=["source_client", "external_id"],
                name="case_external_id_once",
                condition=Q(external_id__isnull=False),
            ),
            models.CheckConstraint(condition=Q(due_at__gt=models.F("opened_at")), name="case_due_after_open"),
        ]
        indexes = [
            # The queues: a team's (or a person's) open cases, nearest deadline first.
            models.Index(fields=["team", "status", "due_at", "id"], name="case_team_queue"),
            models.Index(fields=["assignee", "status", "due_at", "id"], name="case_assignee_queue"),
            models.Index(fields=["due_at", "id"], name="case_due"),
            models.Index(fields=["customer", "-opened_at"], name="case_customer_time"),
            models.Index(fields=["opened_by", "due_at"], name="case_opened_by"),
            models.Index(fields=["opened_at"], name="case_opened_at"),
            # The tabs of /staff/cases/ (bench/cases.py): a team's, a person's and the overdue
            # cases, in deadline order, over the few still active among hundreds of thousands.
            models.Index(
                fields=["team", "due_at", "id"],
                name="case_active_team",
                condition=Q(status__in=ACTIVE_STATUSES),
            ),
            models.Index(
                fields=["assignee", "due_at", "id"],
                name="case_active_assignee",
                condition=Q(status__in=ACTIVE_STATUSES),
            ),
            models.Index(
                fields=["due_at", "id"], name="case_open_due", condition=Q(status__in=OPEN_STATUSES)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("staff:case_detail", args=[self.pk])

    @property
    def number(self) -> str:
        """접수번호: the day it was opened and its id, e.g. 20261201-42 (computed, not stored)."""
        return f"{timezone.localtime(self.opened_at):%Y%m%d}-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class CaseEntry(models.Model):
    """One step in a case's life. `is_public` entries (answers, closing) are what the customer sees."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("접수")
        TRANSFERRED = "transferred", _("이관")
        ACCEPTED = "accepted", _("담당 수락")
        RETURNED = "returned", _("반려")
        NOTE = "note", _("메모")
        ANSWERED = "answered", _("답변")
        CLOSED = "closed", _("종결")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("구분"), max_length=16, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("내용"), blank=True)
    is_public = models.BooleanField(_("손님 공개"), default=False)
    from_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status_after = models.CharField(_("변경 후 상태"), max_length=16, choices=Case.Status.choices)
    created_at = models.DateTimeField(_("일시"), default=timezone.now)

    class Meta:
        verbose_name = _("사건 기록")
        verbose_name_plural = _("사건 기록")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["case", "created_at"], name="case_entry_case"),
            models.Index(fields=["author", "case"], name="case_entry_author"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind}"
