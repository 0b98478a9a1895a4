from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiClient(models.Model):
    """Another channel's system that writes and reads consultations over the REST API."""

    name = models.CharField(_("이름"), max_length=50, unique=True)
    channel = models.ForeignKey("consultations.Channel", verbose_name=_("채널"), on_delete=models.PROTECT)
    is_active = models.BooleanField(_("사용"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # DRF puts the authenticated client in request.user; permission checks ask this.
    is_authenticated = True

    class Meta:
        verbose_name = _("API 클라이언트")
        verbose_name_plural = _("API 클라이언트")

    def __str__(self) -> str:
        return self.name


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
