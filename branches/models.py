from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Branch(models.Model):
    class Kind(models.TextChoices):
        BRANCH = "branch", _("영업점")
        CONTACT_CENTER = "contact_center", _("컨택센터")

    class Service(models.TextChoices):
        """What a branch's counters handle (stored by these values in `services`)."""

        DEPOSIT = "예금", _("예금")
        LOAN = "대출", _("대출")
        FOREX = "외환", _("외환")
        CARD = "카드", _("카드")
        WEALTH = "자산관리", _("자산관리")

    code = models.CharField(_("지점번호"), max_length=10, unique=True)
    name = models.CharField(_("지점명"), max_length=50)
    kind = models.CharField(_("구분"), max_length=20, choices=Kind.choices, default=Kind.BRANCH)
    phone1 = models.CharField(_("대표전화"), max_length=20)
    phone2 = models.CharField(_("보조전화"), max_length=20, blank=True)
    postcode = models.CharField(_("우편번호"), max_length=5)
    address = models.CharField(_("주소"), max_length=200)
    latitude = models.DecimalField(
        _("위도"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("경도"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    opens_at = models.TimeField(_("업무 시작"), default=dt.time(9, 0))
    closes_at = models.TimeField(_("업무 종료"), default=dt.time(16, 0))
    services = models.JSONField(_("제공 서비스"), default=list, blank=True)
    remarks = models.TextField(_("비고"), blank=True)
    is_active = models.BooleanField(_("운영 중"), default=True)

    class Meta:
        verbose_name = _("지점")
        verbose_name_plural = _("지점")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="branch_hours_order"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def service_labels(self) -> list[str]:
        """The services in the reader's language (stored by their Korean values)."""
        labels = dict(self.Service.choices)
        return [str(labels.get(value, value)) for value in self.services]


class ClosingDay(models.Model):
    """A banking day on which one branch takes no visits (a move, an inspection, a local holiday)."""

    branch = models.ForeignKey(
        Branch, verbose_name=_("지점"), on_delete=models.CASCADE, related_name="closing_days"
    )
    day = models.DateField(_("휴무일"))
    reason = models.CharField(_("사유"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("지점 휴무일")
        verbose_name_plural = _("지점 휴무일")
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["branch", "day"], name="closing_day_once")]

    def __str__(self) -> str:
        return f"{self.branch.name} {self.day:%Y-%m-%d}"
