"""API keys: `ohk_<prefix>_<secret>`. The prefix finds the row; only the SHA-256 of the whole key
is stored, so the database never holds a usable key. A key is shown once, when it is made."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from branches.models import Branch
from consultations.models import Channel

from .models import ApiClient, ApiKey

KEY_PREFIX = "ohk"
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)  # do not write the row on every request


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_client_create(
    *, name: str, channel_code: str, can_read_history: bool = True, branch_codes: tuple[str, ...] = ()
) -> ApiClient:
    """A client writing on one channel; it reads history unless told not to, writes as tellers and
    agents (of `branch_codes` if given, else of any branch), never as a manager."""
    name = name.strip()
    if not name:
        raise ValidationError(_("연동 시스템 이름을 입력해 주세요."), code="name")
    channel = Channel.objects.filter(code=channel_code, is_active=True).first()
    if channel is None:
        raise ValidationError(_("없는 채널 코드입니다: %(code)s") % {"code": channel_code}, code="channel")
    if ApiClient.objects.filter(name=name).exists():
        raise ValidationError(_("이미 있는 연동 시스템 이름입니다."), code="name_taken")
    branches = list(Branch.objects.filter(code__in=branch_codes))
    if len(branches) != len(set(branch_codes)):
        raise ValidationError(_("없는 지점 코드가 있습니다."), code="branch")
    client = ApiClient.objects.create(name=name, channel=channel, can_read_history=can_read_history)
    client.branches.set(branches)
    return client


@transaction.atomic
def api_key_issue(*, client: ApiClient) -> tuple[ApiKey, str]:
    """A new key for the client; returns the row and the only copy of the key."""
    while True:
        prefix = secrets.token_hex(4)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            break
    raw = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(client=client, prefix=prefix, key_hash=_digest(raw))
    return key, raw


def api_key_revoke(*, key: ApiKey) -> None:
    ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_key_check(raw: str) -> ApiKey | None:
    """The live key for a presented secret, or None (unknown, wrong, revoked, client switched off)."""
    parts = (raw or "").split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    key = ApiKey.objects.select_related("client").filter(prefix=parts[1]).first()
    if key is None or not constant_time_compare(key.key_hash, _digest(raw)):
        return None
    if key.revoked_at is not None or not key.client.is_active:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
