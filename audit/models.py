from __future__ import annotations

import re

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

_RECORD_TARGET = re.compile(r"(?P<kind>[a-z]+)[ :](?P<pk>\d+)")
_EXPORT_TARGET = re.compile(r"consultations\.(?P<fmt>[a-z]+)(?: (?P<download>download )?job:(?P<job>\d+))?")
_ADMIN_TARGET = re.compile(r"admin (?P<app>\w+)\.(?P<model>\w+)(?::(?P<pk>.+))?|admin (?P<view>.*)")
_RECORD_KINDS = {
    "consultation": _("상담"),
    "booking": _("예약"),
    "callback": _("콜백"),
    "inquiry": _("문의"),
    "case": _("사건"),
    "team": _("팀"),
    "campaign": _("캠페인"),
    "segment": _("세그먼트"),
}
_FIXED_TARGETS = {
    "customer page": _("손님 상세 화면"),
    "walk-in customer": _("방문 손님 등록"),
    "customer merge": _("손님 기록 통합"),
    "api customer": _("API 손님 조회"),
    "api consultations": _("API 상담 조회"),
    "customer full details": _("손님 전체 정보 보기"),
    "marketing consent": _("마케팅 수신 동의"),
}


class AuditEntry(models.Model):
    """Who looked at or changed which customer's record, when and from where.

    Append-only: the model refuses updates and deletes, and on PostgreSQL a trigger
    (migration 0002) refuses them in the database too.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("조회")
        CREATE = "create", _("등록")
        UPDATE = "update", _("수정")
        EXPORT = "export", _("내보내기")
        API_READ = "api_read", _("API 조회")

    at = models.DateTimeField(_("일시"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("직원"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    api_client = models.ForeignKey(
        "api.ApiClient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("손님"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("행위"), max_length=16, choices=Action.choices)
    target = models.CharField(_("대상"), max_length=100, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("감사 로그")
        verbose_name_plural = _("감사 로그")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["customer", "-at"], name="audit_customer_time")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")

    @property
    def target_display(self) -> str:
        """The target in Korean for the audit screen: "consultation 3012" → "상담 #3012",
        "inquiry:4" → "문의 #4", "consultations.csv" → "상담 목록 내보내기 (CSV)"."""
        if self.target in _FIXED_TARGETS:
            return str(_FIXED_TARGETS[self.target])
        match = _RECORD_TARGET.fullmatch(self.target)
        if match and match["kind"] in _RECORD_KINDS:
            return f"{_RECORD_KINDS[match['kind']]} #{match['pk']}"
        match = _EXPORT_TARGET.fullmatch(self.target)
        if match:
            fmt = match["fmt"].upper()
            if match["download"]:
                return _("상담 목록 내보내기 파일 받기 (%(format)s) #%(job)s") % {
                    "format": fmt,
                    "job": match["job"],
                }
            if match["job"]:
                return _("상담 목록 내보내기 파일 만들기 (%(format)s) #%(job)s") % {
                    "format": fmt,
                    "job": match["job"],
                }
            return _("상담 목록 내보내기 (%(format)s)") % {"format": fmt}
        match = _ADMIN_TARGET.fullmatch(self.target)
        if match:
            return self._admin_display(match)
        return self.target

    @staticmethod
    def _admin_display(match: re.Match[str]) -> str:
        """ "admin messaging.message:5" → "관리자 화면: 메시지 #5" (the model's Korean name)."""
        if not match["model"]:
            return str(_("관리자 화면"))
        try:
            name = str(apps.get_model(match["app"], match["model"])._meta.verbose_name)
        except LookupError:
            name = str(_("기타"))
        if match["pk"]:
            return _("관리자 화면: %(model)s #%(pk)s") % {"model": name, "pk": match["pk"]}
        return _("관리자 화면: %(model)s 목록") % {"model": name}
