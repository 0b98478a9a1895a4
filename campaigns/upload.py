"""A segment from a CSV a manager uploads: one customer per row, by 손님번호 (C00001234), mobile
number or login.

Every row is checked before anything is written; one bad row and nothing is saved, the manager
gets the list of rejected rows (line, what was in it, why, in Korean). Customers are looked up in
one query for the whole list (PostgreSQL; a few thousand at a time on SQLite), never one per row. Marketing consent is not checked
here: it is checked when the campaign counts and sends, like for any segment.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_write
from core.phone import normalize_korean_mobile
from customers.models import CustomerProfile, User, profile_pk_from_customer_no

from .models import Segment, SegmentMember

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 200_000
REPORT_ROWS = 200  # rejected rows listed on the page; the rest are counted
_CHUNK = 5000
_HEADERS = {
    "손님번호",
    "고객번호",
    "휴대폰",
    "휴대폰번호",
    "휴대폰 번호",
    "전화번호",
    "phone",
    "mobile",
    "고객id",
    "아이디",
    "id",
    "username",
}


@dataclass(frozen=True)
class Rejected:
    line: int
    value: str
    reason: str


@dataclass
class UploadReport:
    rows: int = 0
    customers: list[int] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected and bool(self.customers)

    @property
    def shown(self) -> list[Rejected]:
        return self.rejected[:REPORT_ROWS]

    @property
    def more(self) -> int:
        return max(0, len(self.rejected) - REPORT_ROWS)


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without Excel's BOM) or, as Korean Excel saves CSV, CP949."""
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("파일을 읽을 수 없습니다. UTF-8 또는 CP949(엑셀 CSV)로 저장한 파일을 올리세요."))


def _cells(text: str) -> list[tuple[int, str]]:
    """(line number, first cell) of every non-empty row, the header row left out."""
    rows: list[tuple[int, str]] = []
    for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cell = (row[0] if row else "").strip()
        if not cell and not any(c.strip() for c in row):
            continue  # a blank line
        if line == 1 and cell.lower().replace("_", " ") in _HEADERS:
            continue
        rows.append((line, cell))
        if len(rows) > MAX_ROWS:
            break
    return rows


_COLUMNS = {
    "number": ("p.id", "pk__in"),
    "phone": ("p.phone", "phone__in"),
    "username": ("u.username", "user__username__in"),
}


def _lookup(kind: str, keys: list[Any]) -> dict[Any, tuple[int, bool]]:
    """key -> (user id, can receive: an active customer not merged into another record)."""
    found: dict[Any, tuple[int, bool]] = {}
    column, lookup = _COLUMNS[kind]
    if connection.vendor == "postgresql":  # the whole list in one query: `= ANY(array)`
        profile, user = CustomerProfile._meta, User._meta
        merged = profile.get_field("merged_into").column
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {column}, u.id, u.is_active AND u.role = %s AND p.{merged} IS NULL "  # noqa: S608
                f"FROM {profile.db_table} p JOIN {user.db_table} u ON u.id = p.user_id "
                f"WHERE {column} = ANY(%s)",
                [User.Role.CUSTOMER, keys],
            )
            for key, user_id, usable in cursor.fetchall():
                found[key] = (user_id, bool(usable))
        return found
    for start in range(0, len(keys), _CHUNK):  # the SQLite demo: a few thousand at a time
        chunk = keys[start : start + _CHUNK]
        profiles = CustomerProfile.objects.filter(**{lookup: chunk}).values_list(
            "pk", "phone", "user__username", "user_id", "user__is_active", "user__role", "merged_into"
        )
        for pk, phone, username, user_id, active, role, merged_into in profiles:
            usable = active and role == User.Role.CUSTOMER and merged_into is None
            found[{"number": pk, "phone": phone, "username": username}[kind]] = (user_id, usable)
    return found


def check_upload(raw: bytes) -> UploadReport:
    """Every row checked; the report says who is in the list and which rows were refused, and why."""
    if len(raw) > MAX_BYTES:
        raise ValidationError(
            _("파일이 너무 큽니다. %(mb)sMB까지 올릴 수 있습니다.") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    cells = _cells(_decode(raw))
    if len(cells) > MAX_ROWS:
        raise ValidationError(
            _("한 번에 %(n)s명까지 올릴 수 있습니다. 파일을 나누어 올리세요.") % {"n": f"{MAX_ROWS:,}"}
        )
    report = UploadReport(rows=len(cells))
    parsed: list[tuple[int, str, str, Any]] = []  # line, value, kind, key
    for line, cell in cells:
        if not cell:
            report.rejected.append(Rejected(line, cell, _("첫 칸이 비어 있습니다.")))
        elif cell[0] in "Cc" and cell[1:].isdigit():
            number = profile_pk_from_customer_no(cell)
            if number is None:
                report.rejected.append(
                    Rejected(line, cell, _("손님번호는 C와 숫자 8자리입니다 (예: C00001234)."))
                )
            else:
                parsed.append((line, cell, "number", number))
        elif cell[0].isdigit() or cell[0] == "+":
            try:
                parsed.append((line, cell, "phone", normalize_korean_mobile(cell)))
            except ValidationError as exc:
                report.rejected.append(Rejected(line, cell, exc.messages[0]))
        else:
            parsed.append((line, cell, "username", cell))
    found = {
        kind: _lookup(kind, sorted({key for _l, _v, k, key in parsed if k == kind})) for kind in _COLUMNS
    }
    seen: dict[int, int] = {}
    for line, cell, kind, key in parsed:
        hit = found[kind].get(key)
        if hit is None:
            report.rejected.append(Rejected(line, cell, _("등록된 손님이 아닙니다.")))
        elif not hit[1]:
            report.rejected.append(Rejected(line, cell, _("탈퇴했거나 다른 기록에 병합된 손님입니다.")))
        elif hit[0] in seen:
            report.rejected.append(
                Rejected(line, cell, _("%(line)s행과 같은 손님입니다.") % {"line": seen[hit[0]]})
            )
        else:
            seen[hit[0]] = line
            report.customers.append(hit[0])
    report.rejected.sort(key=lambda r: r.line)
    if not cells:
        raise ValidationError(_("파일에 손님이 한 명도 없습니다."))
    return report


ANALYZE_FROM = 10_000  # members in one upload


def _insert_members(segment: Segment, customers: list[int]) -> None:
    """One statement for the whole list on PostgreSQL (bench/campaigns.py), not a row each."""
    if connection.vendor != "postgresql":  # the SQLite demo
        SegmentMember.objects.bulk_create(
            [SegmentMember(segment=segment, customer_id=pk) for pk in customers], batch_size=_CHUNK
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {SegmentMember._meta.db_table} (segment_id, customer_id) "
            "SELECT %s, unnest(%s::bigint[])",
            [segment.pk, customers],
        )
    if len(customers) >= ANALYZE_FROM:
        # A big list changes the table's statistics at once; until autovacuum notices, PostgreSQL
        # would plan the pacer's slice for a list of a thousand (a hash join over every member
        # and a sort: 490 ms for 200,000, against 6 ms walking the indexes). ~0.1 s, after commit.
        transaction.on_commit(_analyze_members, robust=True)


def _analyze_members() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {SegmentMember._meta.db_table}")


def segment_upload(*, name: str, report: UploadReport, by: Any) -> Segment:
    """Save the list. Only a report without a single rejected row can be saved."""
    if not (by.is_authenticated and by.is_manager):
        raise PermissionDenied
    if not report.ok:
        raise ValidationError(_("잘못된 행이 있어 저장하지 않았습니다."))
    with transaction.atomic():
        segment = Segment.objects.create(name=name, source=Segment.Source.UPLOAD, created_by=by)
        _insert_members(segment, report.customers)
        audit_write(
            actor=by,
            action=AuditEntry.Action.CREATE,
            target=f"segment:{segment.pk}",
            detail={"name": segment.name, "source": "upload", "customers": len(report.customers)},
        )
    return segment
