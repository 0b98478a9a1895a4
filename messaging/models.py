from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.phone import mask_korean_mobile

from .encoding import euc_kr_length

SECRET_MASK = "●●●●●●"  # noqa: S105 - a mask, not a password


class Purpose(models.TextChoices):
    OTP = "otp", _("인증번호")
    BOOKING_CONFIRMED = "booking_confirmed", _("예약 확정")
    BOOKING_CANCELLED = "booking_cancelled", _("예약 취소")
    BOOKING_REMINDER = "booking_reminder", _("당일 예약 알림")
    BOOKING_RESCHEDULED = "booking_rescheduled", _("예약 변경")
    CALLBACK_UNREACHABLE = "callback_unreachable", _("콜백 연결 실패")
    INQUIRY_ANSWERED = "inquiry_answered", _("문의 답변")
    INQUIRY_OVERDUE = "inquiry_overdue", _("문의 응답기한 초과")
    CASE_OPENED = "case_opened", _("민원/요청 접수")
    CASE_ANSWERED = "case_answered", _("민원/요청 답변")
    CASE_CLOSED = "case_closed", _("민원/요청 종결")
    CASE_OVERDUE = "case_overdue", _("민원/요청 처리기한 초과")
    MARKETING = "marketing", _("마케팅")
    # A campaign's text sent to the manager who wrote it, before approval (campaigns/).
    CAMPAIGN_TEST = "campaign_test", _("캠페인 테스트 발송")
    LOGIN_LOCKED = "login_locked", _("로그인 잠금 안내")


class Message(models.Model):
    """An outbox row: the promise to deliver one SMS. Written in the caller's transaction."""

    class Status(models.TextChoices):
        PENDING = "pending", _("대기")
        SENDING = "sending", _("발송중")
        UNKNOWN = "unknown", _("확인필요")
        SENT = "sent", _("발송")
        DELIVERED = "delivered", _("수신")
        FAILED = "failed", _("실패")
        # Never sent: withdrawn before anyone claimed it (the reminder of a booking moved to another
        # day), or refused at send time by the law or the moment (consent withdrawn, expired).
        CANCELLED = "cancelled", _("발송 취소")

    class Kind(models.TextChoices):
        SMS = "sms", "SMS"
        LMS = "lms", "LMS"
        # KakaoTalk alimtalk first; when it cannot reach the customer the row turns SMS/LMS.
        ALIMTALK = "ata", _("알림톡")

    # COLLATE "C" on PostgreSQL (migration 0013): bytewise, and LIKE 'prefix%' uses the unique index.
    idempotency_key = models.CharField(max_length=200, unique=True)
    purpose = models.CharField(_("용도"), max_length=32, choices=Purpose.choices)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("손님"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
        db_index=False,  # message_customer_time starts with it
    )
    to_phone = models.CharField(_("수신번호"), max_length=16)
    kind = models.CharField(max_length=3, choices=Kind.choices, default=Kind.SMS)
    # An OTP body is stored with its code masked (SECRET_MASK); the code itself is in `secret`,
    # sealed (core.sealed), and wiped when the message is sent or given up (messaging/secret.py).
    body = models.TextField(_("내용"))
    secret = models.TextField(blank=True, default="", db_default="")
    status = models.CharField(_("상태"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("시도 횟수"), default=0)
    provider = models.CharField(max_length=20, blank=True)
    provider_message_id = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)
    not_before = models.DateTimeField(_("발송 가능 시각"), null=True, blank=True)
    # A message whose moment has passed (a reminder for a booking that started) is cancelled, not sent late.
    valid_until = models.DateTimeField(_("유효 기한"), null=True, blank=True)
    alimtalk_template = models.CharField(max_length=64, blank=True, default="", db_default="")
    alimtalk_variables = models.JSONField(null=True, blank=True)
    cancel_reason = models.CharField(_("취소 사유"), max_length=200, blank=True, default="", db_default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("메시지")
        verbose_name_plural = _("메시지")
        indexes = [
            models.Index(fields=["status", "updated_at"], name="message_status_updated"),
            models.Index(fields=["customer", "-created_at"], name="message_customer_time"),
            # The delivery board reads the last day by creation time.
            models.Index(fields=["created_at"], name="message_created"),
            # A provider's report names its id; a row has none until it is sent, so a new row
            # (a campaign slice writes thousands) adds nothing to this index.
            models.Index(
                fields=["provider_message_id"],
                name="message_provider_id",
                condition=~Q(provider_message_id=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} → {self.masked_phone} ({self.get_status_display()})"

    @property
    def body_for_staff(self) -> str:
        """What staff screens show: one-time codes are blanked so nobody at the bank can use them."""
        if self.purpose == Purpose.OTP:
            # Codes are stored masked (messaging/secret.py); this only guards a hand-made row.
            return re.sub(r"\d{6}", SECRET_MASK, self.body)
        return self.body

    @property
    def masked_phone(self) -> str:
        return mask_korean_mobile(self.to_phone)

    @property
    def body_bytes(self) -> int:
        return euc_kr_length(self.body)


class MessageAttempt(models.Model):
    class Outcome(models.TextChoices):
        SENDING = "sending", _("발송중")
        SENT = "sent", _("발송 성공")
        RETRY = "retry", _("일시 오류 · 재시도")
        FAILED = "failed", _("실패")
        UNKNOWN = "unknown", _("응답 없음 · 확인 필요")
        FALLBACK = "fallback", _("알림톡 실패 · 문자로 전환")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attempt_log")
    kind = models.CharField(max_length=3, choices=Message.Kind.choices, blank=True, default="", db_default="")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    provider_message_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["outcome", "started_at"], name="attempt_outcome_time")]

    def __str__(self) -> str:
        return f"{self.message_id}: {self.outcome}"


class MessageTemplate(models.Model):
    """A manager's edit of a message body; without a row the file in templates/messaging/sms/ is used."""

    purpose = models.CharField(_("용도"), max_length=32, choices=Purpose.choices, unique=True)
    body = models.TextField(_("본문"))
    # An approved KakaoTalk alimtalk template for this purpose (sent first, this body as the fallback).
    alimtalk_template = models.CharField(_("알림톡 템플릿 코드"), max_length=64, blank=True, default="")
    # The approved template's buttons as Kakao approved them (messaging/buttons.py); SOLAPI takes
    # them from the template itself, this is the bank's checked record of them.
    alimtalk_buttons = models.JSONField(_("알림톡 버튼"), default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("메시지 템플릿")
        verbose_name_plural = _("메시지 템플릿")

    def __str__(self) -> str:
        return self.get_purpose_display()


class DeliveryIncident(models.Model):
    """A lane in trouble, as the delivery board's alarm saw it: open while it lasts, closed when it
    recovers. Managers are told when one opens; at most one open per lane and kind."""

    class Kind(models.TextChoices):
        FAILURE_RATE = "failure_rate", _("실패율 초과")
        WAITING = "waiting", _("대기 시간 초과")

    lane = models.CharField(max_length=20)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.FloatField()  # the failure rate (0–1) or the oldest wait in seconds when it opened
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lane", "kind"], condition=models.Q(closed_at__isnull=True), name="one_open_incident"
            )
        ]

    def __str__(self) -> str:
        return f"{self.lane} {self.kind} {self.opened_at:%Y-%m-%d %H:%M}"
