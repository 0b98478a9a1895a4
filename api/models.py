from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.models import User


class ApiClient(models.Model):
    """Another channel's system that writes and reads consultations over the REST API."""

    name = models.CharField(_("이름"), max_length=50, unique=True)
    channel = models.ForeignKey("consultations.Channel", verbose_name=_("채널"), on_delete=models.PROTECT)
    is_active = models.BooleanField(_("사용"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Scope: what the client may do beyond writing records on its channel.
    can_read_history = models.BooleanField(_("상담이력 조회 허용"), default=False)
    branches = models.ManyToManyField(
        "branches.Branch",
        verbose_name=_("기록할 수 있는 직원의 지점"),
        blank=True,
        help_text=_("비워 두면 모든 지점의 직원으로 기록할 수 있습니다."),
    )
    may_write_as_managers = models.BooleanField(_("관리자 이름으로 기록 허용"), default=False)

    # DRF puts the authenticated client in request.user; permission checks ask this.
    is_authenticated = True

    class Meta:
        verbose_name = _("API 클라이언트")
        verbose_name_plural = _("API 클라이언트")

    def __str__(self) -> str:
        return self.name

    def may_write_as(self, *, role: str, branch_id: int | None) -> bool:
        """Whether a record may name this staff member as its author (role, branch)."""
        if role not in User.STAFF_ROLES:
            return False
        if role == User.Role.MANAGER and not self.may_write_as_managers:
            return False
        allowed = getattr(self, "_branch_ids", None)
        if allowed is None:
            allowed = self._branch_ids = set(self.branches.values_list("pk", flat=True))
        return not allowed or branch_id in allowed


class ApiKey(models.Model):
    """A key is shown once; only its SHA-256 is kept. `prefix` finds the row without a scan."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="keys")
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 키")
        verbose_name_plural = _("API 키")

    def __str__(self) -> str:
        return f"{self.client.name} {self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
