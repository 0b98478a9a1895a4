from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .encoding import euc_kr_length
from .phone import mask_korean_mobile


class Purpose(models.TextChoices):
    OTP = "otp", _("인증번호")
    BOOKING_CONFIRMED = "booking_confirmed", _("예약 확정")
    BOOKING_CANCELLED = "booking_cancelled", _("예약 취소")
    BOOKING_REMINDER = "booking_reminder", _("당일 예약 알림")
    INQUIRY_ANSWERED = "inquiry_answered", _("문의 답변")
    INQUIRY_OVERDUE = "inquiry_overdue", _("문의 응답기한 초과")
    MARKETING = "marketing", _("마케팅")


class Message(models.Model):
    """An outbox row: the promise to deliver one SMS. Written in the caller's transaction."""

    class Status(models.TextChoices):
        PENDING = "pending", _("대기")
        SENDING = "sending", _("발송중")
        UNKNOWN = "unknown", _("확인필요")
        SENT = "sent", _("발송")
        DELIVERED = "delivered", _("수신")
        FAILED = "failed", _("실패")

    class Kind(models.TextChoices):
        SMS = "sms", "SMS"
        LMS = "lms", "LMS"

    idempotency_key = models.CharField(max_length=200, unique=True)
    purpose = models.CharField(_("용도"), max_length=32, choices=Purpose.choices)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("손님"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
    )
    to_phone = models.CharField(_("수신번호"), max_length=16)
    kind = models.CharField(max_length=3, choices=Kind.choices, default=Kind.SMS)
    body = models.TextField(_("내용"))
    status = models.CharField(_("상태"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("시도 횟수"), default=0)
    provider = models.CharField(max_length=20, blank=True)
    provider_message_id = models.CharField(max_length=64, blank=True, db_index=True)
    last_error = models.TextField(blank=True)
    not_before = models.DateTimeField(_("발송 가능 시각"), null=True, blank=True)
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
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} → {self.masked_phone} ({self.get_status_display()})"

    @property
    def body_for_staff(self) -> str:
        """What staff screens show: one-time codes are blanked so nobody at the bank can use them."""
        if self.purpose == Purpose.OTP:
            return re.sub(r"\d{6}", "●●●●●●", self.body)
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

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attempt_log")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    provider_message_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.message_id}: {self.outcome}"


class MessageTemplate(models.Model):
    """A manager's edit of a message body; without a row the file in templates/messaging/sms/ is used."""

    purpose = models.CharField(_("용도"), max_length=32, choices=Purpose.choices, unique=True)
    body = models.TextField(_("본문"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("메시지 템플릿")
        verbose_name_plural = _("메시지 템플릿")

    def __str__(self) -> str:
        return self.get_purpose_display()
