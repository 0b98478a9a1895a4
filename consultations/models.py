from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
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

    def __str__(self) -> str:
        return self.title


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

    class Meta:
        verbose_name = _("추가상담 예약")
        verbose_name_plural = _("추가상담 예약")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="booking_time_order"),
        ]
        indexes = [
            models.Index(fields=["staff", "starts_at"], name="booking_staff_start"),
            models.Index(fields=["customer", "-starts_at"], name="booking_customer_start"),
            models.Index(fields=["status", "starts_at"], name="booking_status_start"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.get_status_display()}"


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
