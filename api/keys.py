"""API keys: `ohk_<prefix>_<secret>`. The prefix finds the row; only the SHA-256 of the whole key
is stored, so the database never holds a usable key. A key is shown once, when it is made."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from branches.models import Branch
from consultations.models import Channel
from core.bulk import loaded

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


@functools.cache
def _key_sql(vendor: str) -> tuple[str, list[str]]:
    """The key by its prefix with its client and the client's branch ids, in one query (the ORM's
    select_related cost more to compile than the lookup costs to run, on every API request)."""
    client_fields = [f.attname for f in ApiClient._meta.concrete_fields]
    columns = ", ".join(f"c.{f.column}" for f in ApiClient._meta.concrete_fields)
    through = ApiClient.branches.through._meta
    owner, branch = through.get_field("apiclient").column, through.get_field("branch").column
    branch_ids = (
        f"ARRAY(SELECT {branch} FROM {through.db_table} WHERE {owner} = c.id)"  # noqa: S608 (model names)
        if vendor == "postgresql"
        else f"(SELECT group_concat({branch}) FROM {through.db_table} WHERE {owner} = c.id)"  # noqa: S608
    )
    return (
        f"SELECT k.id, k.key_hash, k.last_used_at, k.revoked_at, {branch_ids}, {columns} "  # noqa: S608
        f"FROM {ApiKey._meta.db_table} k JOIN {ApiClient._meta.db_table} c ON c.id = k.client_id "
        "WHERE k.prefix = %s",
        client_fields,
    )


def api_key_check(raw: str) -> ApiKey | None:
    """The live key for a presented secret, or None (unknown, wrong, revoked, client switched off).
    The key comes with its client, and the client with its branch scope (`may_write_as`)."""
    parts = (raw or "").split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    db = router.db_for_read(ApiKey)
    connection = connections[db]
    sql, client_fields = _key_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [parts[1]])
        row = cursor.fetchone()
    if row is None:
        return None
    key_pk, key_hash, last_used_at, revoked_at, branch_ids, *client_values = row
    if not constant_time_compare(key_hash, _digest(raw)):
        return None
    client = ApiClient.from_db(db, client_fields, client_values)
    if revoked_at is not None or not client.is_active:
        return None
    if isinstance(branch_ids, str):  # SQLite's group_concat
        branch_ids = [int(pk) for pk in branch_ids.split(",")]
    client._branch_ids = set(branch_ids or ())  # type: ignore[attr-defined]
    key = loaded(ApiKey, db, id=key_pk, client_id=client.pk, key_hash=key_hash, revoked_at=revoked_at)
    key.client = client
    key.last_used_at = _parse(connection, last_used_at)
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.using(db).filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def _parse(connection: Any, value: Any) -> dt.datetime | None:
    """A timestamp as a raw cursor returns it: aware on PostgreSQL, text or naive UTC on SQLite."""
    if value is None or connection.vendor == "postgresql":
        return value
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)
