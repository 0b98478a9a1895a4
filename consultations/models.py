from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ActiveQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Channel(models.Model):
    """Where a consultation happened. A table, so new channels (e.g. 화상창구) are data, not code."""

    code = models.SlugField(_("코드"), max_length=20, unique=True)
    name = models.CharField(_("채널명"), max_length=30)
    icon = models.CharField(
        _("아이콘"), max_length=40, default="chat-dots", help_text=_("Bootstrap Icons 이름")
    )
    is_bookable = models.BooleanField(_("예약 가능"), default=False)
    is_active = models.BooleanField(_("사용"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("상담 채널")
        verbose_name_plural = _("상담 채널")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class MainCategory(models.Model):
    code = models.CharField(_("코드"), max_length=2, unique=True)
    name = models.CharField(_("대분류"), max_length=30)
    is_active = models.BooleanField(_("사용"), default=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("대분류")
        verbose_name_plural = _("대분류")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class MiddleCategory(models.Model):
    main = models.ForeignKey(
        MainCategory, verbose_name=_("대분류"), on_delete=models.PROTECT, related_name="middles"
    )
    code = models.CharField(
        _("코드"), max_length=4, unique=True, help_text=_("대분류 코드 + 2자리 (예: 0201)")
    )
    name = models.CharField(_("중분류"), max_length=30)
    is_active = models.BooleanField(_("사용"), default=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("중분류")
        verbose_name_plural = _("중분류")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.main.name} › {self.name}"


class Progress(models.TextChoices):
    RECEIVED = "received", _("접수")
    IN_PROGRESS = "in_progress", _("진행중")
    DONE = "done", _("완료")


class Consultation(models.Model):
    """One consultation in the integrated history (REPORT_TB), whatever the channel."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("손님"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("담당 직원"),
        on_delete=models.PROTECT,
        related_name="handled_consultations",
    )
    channel = models.ForeignKey(Channel, verbose_name=_("채널"), on_delete=models.PROTECT, related_name="+")
    main_category = models.ForeignKey(
        MainCategory, verbose_name=_("대분류"), on_delete=models.PROTECT, related_name="+"
    )
    middle_category = models.ForeignKey(
        MiddleCategory, verbose_name=_("중분류"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("제목"), max_length=100)
    notes = models.TextField(_("상담 내용"), blank=True)
    progress = models.CharField(
        _("진행상태"), max_length=16, choices=Progress.choices, default=Progress.RECEIVED
    )
    follow_up_needed = models.BooleanField(_("추가상담 필요"), default=False)
    occurred_at = models.DateTimeField(_("상담 일시"))
    booking = models.OneToOneField(
        "Booking",
        verbose_name=_("예약"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="result",
        help_text=_("이 상담으로 진행한 추가상담 예약"),
    )
    source_client = models.ForeignKey(
        "api.ApiClient",
        verbose_name=_("연동 시스템"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    external_id = models.CharField(_("외부 ID"), max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("상담")
        verbose_name_plural = _("상담")
        constraints = [
            models.UniqueConstraint(
                fields=["source_client", "external_id"],
                name="consultation_external_id_once",
                condition=Q(external_id__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-occurred_at", "-id"], name="consult_customer_time"),
            models.Index(fields=["-occurred_at", "-id"], name="consult_time"),
            models.Index(fields=["staff", "-occurred_at"], name="consult_staff_time"),
        ]

    # A record may be a few minutes ahead (clocks of other channels' systems), never really ahead.
    FUTURE_TOLERANCE = dt.timedelta(minutes=5)
    EARLIEST = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """The rules of a consultation record, whoever writes it (a form, the API, the demo bank)."""
        errors: dict[str, str | Promise] = {}
        if (
            self.main_category_id
            and self.middle_category_id
            and self.middle_category.main_id != self.main_category_id
        ):
            errors["middle_category"] = _("선택한 대분류에 속한 중분류가 아닙니다.")
        if self.occurred_at is not None:
            if self.occurred_at > timezone.now() + self.FUTURE_TOLERANCE:
                errors["occurred_at"] = _("미래의 상담은 기록할 수 없습니다.")
            elif self.occurred_at < self.EARLIEST:
                errors["occurred_at"] = _("1990년 이전의 상담은 기록할 수 없습니다.")
        if errors:
            raise ValidationError(errors)


class ConsultationRevision(models.Model):
    """What an edit changed: field -> [before, after]."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="revisions")
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("상담 수정 이력")
        verbose_name_plural = _("상담 수정 이력")
        ordering = ["-edited_at"]

    def __str__(self) -> str:
        return f"{self.consultation_id} @ {self.edited_at:%Y-%m-%d %H:%M}"


class ConsultationNote(models.Model):
    """A note another member of staff adds to a consultation: append-only, the record itself
    stays its author's (issue 17). Never edited or deleted through the app; each one is audited."""

    MAX_LENGTH = 1000

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("상담"), on_delete=models.CASCADE, related_name="added_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("작성 직원"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("메모"), max_length=MAX_LENGTH)
    created_at = models.DateTimeField(_("작성 일시"), auto_now_add=True)

    class Meta:
        verbose_name = _("상담 추가 메모")
        verbose_name_plural = _("상담 추가 메모")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.consultation_id} + {self.author_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class CancelReason(models.TextChoices):
    """Why staff cancelled a booking (the customer is told in the SMS only that it was cancelled)."""

    CUSTOMER_REQUEST = "customer_request", _("손님 요청")
    STAFF_ABSENT = "staff_absent", _("담당 직원 부재")
    BRANCH_CLOSED = "branch_closed", _("영업점 사정")
    DUPLICATE = "duplicate", _("중복 예약")
    OTHER = "other", _("기타")


class Booking(models.Model):
    """A follow-up consultation booked in a staff member's calendar (REGISTER_TB).

    On PostgreSQL an exclusion constraint (migration 0002) refuses two active bookings of
    one staff member whose times overlap: the last guard against double booking.
    """

    class Status(models.TextChoices):
        BOOKED = "booked", _("예약")
        CANCELLED = "cancelled", _("취소")
        COMPLETED = "completed", _("완료")
        NO_SHOW = "no_show", _("노쇼")

    origin = models.ForeignKey(
        Consultation,
        verbose_name=_("원 상담"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("손님"), on_delete=models.PROTECT, related_name="bookings"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("담당 직원"),
        on_delete=models.PROTECT,
        related_name="staff_bookings",
    )
    channel = models.ForeignKey(Channel, verbose_name=_("채널"), on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(
        "branches.Branch",
        verbose_name=_("방문 지점"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    main_category = models.ForeignKey(
        MainCategory, verbose_name=_("대분류"), on_delete=models.PROTECT, related_name="+"
    )
    middle_category = models.ForeignKey(
        MiddleCategory,
        verbose_name=_("중분류"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    starts_at = models.DateTimeField(_("시작"))
    ends_at = models.DateTimeField(_("종료"))
    status = models.CharField(_("상태"), max_length=16, choices=Status.choices, default=Status.BOOKED)
    note = models.CharField(_("요청사항"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("취소 사유"), max_length=20, choices=CancelReason.choices, blank=True)
    cancel_note = models.CharField(_("취소 사유 설명"), max_length=200, blank=True)
    # RFC 5545 SEQUENCE: calendar apps replace an event of the same UID only when it grows.
    sequence = models.PositiveIntegerField(_("변경 차수"), default=0)

    class Meta:
        verbose_name = _("추가상담 예약")
        verbose_name_plural = _("추가상담 예약")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="booking_time_order"),
            # One active follow-up per consultation: two requests racing past the service's check
            # still leave one.
            models.UniqueConstraint(
                fields=["origin"],
                condition=Q(status="booked", origin__isnull=False),
                name="booking_one_active_follow_up",
            ),
        ]
        indexes = [
            models.Index(fields=["staff", "starts_at"], name="booking_staff_start"),
            models.Index(fields=["customer", "-starts_at"], name="booking_customer_start"),
            models.Index(fields=["status", "starts_at"], name="booking_status_start"),
        ]

    # A customer may cancel their own booking until an hour before; after that the branch decides.
    CUSTOMER_CANCEL_DEADLINE = dt.timedelta(hours=1)

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.get_status_display()}"

    def customer_may_cancel(self, now: dt.datetime) -> bool:
        return self.status == self.Status.BOOKED and self.starts_at - now >= self.CUSTOMER_CANCEL_DEADLINE

    # Rescheduling has the same deadline as cancelling: within the hour the branch has planned the slot.
    customer_may_reschedule = customer_may_cancel

    def clean(self) -> None:
        middle = self.middle_category if self.middle_category_id else None
        if self.main_category_id and middle is not None and middle.main_id != self.main_category_id:
            raise ValidationError(
                {"middle_category": _("선택한 대분류에 속한 중분류가 아닙니다.")}, code="middle_mismatch"
            )


class Unavailability(models.Model):
    """A block of time in which a staff member takes no bookings."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("직원"),
        on_delete=models.CASCADE,
        related_name="unavailability",
    )
    starts_at = models.DateTimeField(_("시작"))
    ends_at = models.DateTimeField(_("종료"))
    reason = models.CharField(_("사유"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("상담 불가 일정")
        verbose_name_plural = _("상담 불가 일정")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="unavailability_time_order"),
        ]
        indexes = [models.Index(fields=["staff", "starts_at"], name="unavail_staff_start")]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"


class ConsultationDay(models.Model):
    """Consultations per Seoul day, staff member, channel and main category — what the analytics
    read instead of scanning a year of raw rows. Kept by database triggers on the consultation
    table (migration 0008), so every writer — forms, the API, bulk COPY, raw SQL — keeps it right.
    `manage.py analytics_rebuild` recounts it from scratch."""

    day = models.DateField()
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    channel = models.ForeignKey(Channel, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    main_category = models.ForeignKey(
        MainCategory, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "staff", "channel", "main_category"], name="consultation_day_key"
            )
        ]
        indexes = [models.Index(fields=["day"], name="consultation_day_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.staff_id}/{self.channel_id}/{self.main_category_id}: {self.n}"


class Callback(models.Model):
    """A customer's request that the bank call them back (the contact center's queue)."""

    class When(models.TextChoices):
        ASAP = "asap", _("가능한 빨리")
        WINDOW = "window", _("원하는 시간")

    class Status(models.TextChoices):
        WAITING = "waiting", _("대기")
        CLAIMED = "claimed", _("통화 중")
        DONE = "done", _("완료")
        UNREACHABLE = "unreachable", _("연결 안 됨 (종료)")
        CANCELLED = "cancelled", _("취소")

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("손님"), on_delete=models.PROTECT, related_name="callbacks"
    )
    phone = models.CharField(_("연락받을 번호"), max_length=16)
    main_category = models.ForeignKey(
        MainCategory, verbose_name=_("상담 분야"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("문의 내용"), max_length=200, blank=True)
    when = models.CharField(_("통화 시간"), max_length=10, choices=When.choices, default=When.ASAP)
    window_start = models.DateTimeField(_("희망 시작"), null=True, blank=True)
    window_end = models.DateTimeField(_("희망 종료"), null=True, blank=True)
    # None: the contact center's; a branch: that branch's tellers call back (a request from its page).
    branch = models.ForeignKey(
        "branches.Branch",
        verbose_name=_("지점"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="callbacks",
    )
    origin = models.ForeignKey(
        Consultation,
        verbose_name=_("관련 상담"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("상태"), max_length=16, choices=Status.choices, default=Status.WAITING)
    due_at = models.DateTimeField(_("처리 기한"))
    alert_at = models.DateTimeField(null=True, blank=True)  # an unclaimed ASAP request alerts from then
    alerted_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("연결 실패 횟수"), default=0)
    consultation = models.OneToOneField(
        Consultation,
        verbose_name=_("상담 기록"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="callback",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("콜백 요청")
        verbose_name_plural = _("콜백 요청")
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__isnull=True) | Q(window_end__gt=F("window_start")),
                name="callback_window_order",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="callback_status_due")]

    OPEN = (Status.WAITING, Status.CLAIMED)
    MAX_ATTEMPTS = 3

    def __str__(self) -> str:
        return f"{self.customer_id} {self.due_at:%Y-%m-%d %H:%M} {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class ExportJob(models.Model):
    """A manager's export over EXPORT_MAX_ROWS, written by a Celery worker to a private file that
    only its requester may download, for EXPORT_LINK_HOURS (consultations/export_jobs.py)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("대기")
        RUNNING = "running", _("만드는 중")
        DONE = "done", _("완료")
        FAILED = "failed", _("실패")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    fmt = models.CharField(max_length=4)  # csv | xlsx
    params = models.JSONField(default=dict)  # the search form's GET parameters
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("내보내기 작업")
        verbose_name_plural = _("내보내기 작업")

    def __str__(self) -> str:
        return f"export {self.pk} {self.fmt} {self.status}"

    @property
    def percent(self) -> int:
        return (
            100 if self.status == self.Status.DONE else int(100 * self.done / self.total) if self.total else 0
        )
