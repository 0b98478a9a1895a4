"""Marketing campaigns: a saved segment, an approved text, a schedule, one message per customer.

The floor above messaging and customers: a campaign writes outbox rows with purpose MARKETING
(messaging re-checks consent and quiet hours at every send) and never sends anything itself.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from customers.models import CustomerProfile, Gender


class YesNo(models.TextChoices):
    YES = "yes", _("있음")
    NO = "no", _("없음")


class BannedWord(models.Model):
    """A word no advertising text may contain (managers keep the list)."""

    word = models.CharField(_("금칙어"), max_length=50, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("금칙어")
        verbose_name_plural = _("금칙어")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class AlimtalkTemplate(models.Model):
    """A KakaoTalk alimtalk template the bank's sender profile had approved by Kakao, for campaigns.

    Its text is what an alimtalk campaign sends (Kakao refuses a text that differs from the
    approved one); #{이름} and #{고객등급} are filled per customer. Kept by managers in the admin."""

    code = models.CharField(_("템플릿 코드"), max_length=64, unique=True)
    name = models.CharField(_("템플릿 이름"), max_length=80)
    body = models.TextField(_("승인된 문안"))
    is_active = models.BooleanField(_("사용"), default=True)

    class Meta:
        verbose_name = _("알림톡 템플릿")
        verbose_name_plural = _("알림톡 템플릿")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Segment(models.Model):
    """Saved filters over the customers we hold. Marketing consent is always applied on top."""

    class AgeBand(models.TextChoices):
        TWENTIES_OR_LESS = "0-29", _("20대 이하")
        THIRTIES = "30-39", _("30대")
        FORTIES = "40-49", _("40대")
        FIFTIES = "50-59", _("50대")
        SIXTIES_OR_MORE = "60-200", _("60대 이상")

    class Source(models.TextChoices):
        FILTERS = "filters", _("조건")
        UPLOAD = "upload", _("CSV 업로드")

    name = models.CharField(_("세그먼트 이름"), max_length=80)
    # An uploaded segment is its list of customers (SegmentMember); consent still applies on top.
    source = models.CharField(
        _("대상 지정 방식"), max_length=8, choices=Source.choices, default=Source.FILTERS
    )
    tier = models.CharField(_("고객등급"), max_length=16, choices=CustomerProfile.Tier.choices, blank=True)
    age_band = models.CharField(_("연령대"), max_length=8, choices=AgeBand.choices, blank=True)
    gender = models.CharField(_("성별"), max_length=1, choices=Gender.choices, blank=True)
    interest = models.CharField(
        _("관심분야"), max_length=16, choices=CustomerProfile.Interest.choices, blank=True
    )
    branch = models.ForeignKey(
        "branches.Branch",
        verbose_name=_("상담 지점"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    consultation_category = models.ForeignKey(
        "consultations.MainCategory",
        verbose_name=_("최근 상담 분류"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    consultation_channel = models.ForeignKey(
        "consultations.Channel",
        verbose_name=_("최근 상담 채널"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    consultation_within_days = models.PositiveSmallIntegerField(
        _("최근 상담 기간(일)"), null=True, blank=True
    )
    has_booking = models.CharField(_("예약"), max_length=3, choices=YesNo.choices, blank=True)
    has_web_login = models.CharField(_("웹 가입"), max_length=3, choices=YesNo.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("작성자")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("세그먼트")
        verbose_name_plural = _("세그먼트")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class SegmentMember(models.Model):
    """One customer of an uploaded list (a CSV of phone numbers or customer IDs)."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="members")
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("세그먼트 대상")
        verbose_name_plural = _("세그먼트 대상")
        constraints = [
            models.UniqueConstraint(fields=["segment", "customer"], name="segment_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.segment_id} ∋ {self.customer_id}"


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("작성중")
        PENDING = "pending", _("승인요청")
        APPROVED = "approved", pgettext_lazy("campaign", "승인")
        REJECTED = "rejected", pgettext_lazy("campaign", "반려")
        SENDING = "sending", _("발송중")
        PAUSED = "paused", pgettext_lazy("campaign", "일시정지")
        DONE = "done", _("완료")
        STOPPED = "stopped", pgettext_lazy("campaign", "중지")

    class Channel(models.TextChoices):
        SMS = "sms", "SMS"
        LMS = "lms", "LMS"
        # KakaoTalk first with an approved template; a customer it cannot reach gets the same text
        # as SMS/LMS (messaging's alimtalk path, on the same outbox row).
        ALIMTALK = "ata", _("알림톡")

    EDITABLE = (Status.DRAFT, Status.REJECTED, Status.PENDING, Status.APPROVED)
    RUNNING = (Status.APPROVED, Status.SENDING)
    # What a manager edits, and so what must be approved again once changed after approval.
    CONTENT_FIELDS = (
        "name",
        "segment",
        "channel",
        "alimtalk_template",
        "body",
        "starts_at",
        "ends_at",
        "window_start",
        "window_end",
        "max_per_hour",
    )

    name = models.CharField(_("캠페인 이름"), max_length=80)
    segment = models.ForeignKey(Segment, verbose_name=_("대상 세그먼트"), on_delete=models.PROTECT)
    channel = models.CharField(_("발송 채널"), max_length=3, choices=Channel.choices, default=Channel.LMS)
    alimtalk_template = models.ForeignKey(
        AlimtalkTemplate,
        verbose_name=_("알림톡 템플릿"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What the manager wrote (an alimtalk campaign: its template's text); "(광고)" and the opt-out
    # line are added around it (campaigns.content).
    body = models.TextField(_("본문"))
    starts_at = models.DateTimeField(_("발송 시작"))
    ends_at = models.DateTimeField(_("발송 종료"))
    window_start = models.TimeField(_("하루 발송 시작 시각"), default=dt.time(9, 0))
    window_end = models.TimeField(_("하루 발송 종료 시각"), default=dt.time(20, 0))
    max_per_hour = models.PositiveIntegerField(_("시간당 최대 발송"), default=1000)
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("작성자"), on_delete=models.PROTECT, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("승인자"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("승인/반려 일시"), null=True, blank=True)
    reason = models.CharField(_("사유"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("캠페인")
        verbose_name_plural = _("캠페인")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="campaign_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(window_start__gte=dt.time(8, 0))
                & Q(window_end__lte=dt.time(21, 0))
                & Q(window_end__gt=models.F("window_start")),
                name="campaign_window_in_daytime",
            ),
            models.CheckConstraint(
                condition=~Q(approver=models.F("author")), name="campaign_not_self_approved"
            ),
            models.CheckConstraint(
                condition=Q(channel="ata", alimtalk_template__isnull=False)
                | (~Q(channel="ata") & Q(alimtalk_template__isnull=True)),
                name="campaign_alimtalk_has_template",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class CampaignRecipient(models.Model):
    """The one message a campaign sends a customer: unique, so no re-run sends twice.

    The pacer writes these a slice of thousands at a time, and its three references are held by
    Django (on_delete: CASCADE with the campaign, PROTECT for the customer and the message), not
    by PostgreSQL foreign-key triggers: those cost 12 µs a reference a row, 3 × 1,667 a slice,
    a third of a slice's database time (bench/campaigns.py, docs/performance.md). Nothing else
    writes the table: the pacer has just read the customers, written the messages, and holds the
    campaign's row locked; nothing deletes customers or messages outside the ORM."""

    # (campaign_recipient_once starts with the campaign: no index of its own)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="recipients", db_index=False, db_constraint=False
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    message = models.OneToOneField(
        "messaging.Message",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaign_recipient",
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("캠페인 수신자")
        verbose_name_plural = _("캠페인 수신자")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "customer"], name="campaign_recipient_once"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} → {self.customer_id}"


class OptOut(models.Model):
    """A marketing consent withdrawn: when, how (the provider's 080 report, a member of staff) and for whom."""

    class Source(models.TextChoices):
        PHONE_080 = "080", _("080 수신거부")
        STAFF = "staff", _("직원 등록")

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField(_("휴대폰"), max_length=16)
    source = models.CharField(_("경로"), max_length=8, choices=Source.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("일시"), db_index=True)
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="opt_outs"
    )

    class Meta:
        verbose_name = _("수신거부")
        verbose_name_plural = _("수신거부")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone} {self.source} {self.at:%Y-%m-%d %H:%M}"
