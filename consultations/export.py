"""CSV and Excel exports of a consultation search. Personal data stays masked, and no cell can
start a formula when the file is opened in a spreadsheet (CSV injection)."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

from django.utils import timezone
from openpyxl import Workbook

from customers.masking import mask_birth, mask_name

from .models import Consultation

HEADER = [
    "등록일시",
    "성함",
    "ID",
    "생일",
    "대분류",
    "중분류",
    "제목",
    "채널",
    "담당직원",
    "사원번호",
    "진행상태",
    "추가상담",
    "손님번호",  # every customer has one; a walk-in has no login id (the ID column stays empty)
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_ROWS = 1_000_000  # a sheet holds 1,048,576 rows


def neutralise(value: object) -> str:
    """A cell a spreadsheet would read as a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def row_cells(c: Consultation) -> list[str]:
    profile = getattr(c.customer, "customer_profile", None)
    staff_profile = getattr(c.staff, "staff_profile", None)
    return [
        neutralise(value)
        for value in (
            timezone.localtime(c.occurred_at).strftime("%Y-%m-%d %H:%M"),
            mask_name(c.customer.name),
            c.customer.login_id,
            mask_birth(profile.birth_date if profile else None),
            c.main_category.name,
            c.middle_category.name,
            c.title,
            c.channel.name,
            c.staff.name,
            staff_profile.employee_no if staff_profile else "",
            c.get_progress_display(),
            "필요" if c.follow_up_needed else "없음",
            profile.customer_no if profile else "",
        )
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(rows: Iterable[Consultation]) -> Iterator[str]:
    """CSV text chunk by chunk; UTF-8 with BOM so Excel shows Hangul correctly."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADER)
    for c in rows:
        yield writer.writerow(row_cells(c))


def xlsx_file(rows: Iterable[Consultation]) -> IO[bytes]:
    """An .xlsx written row by row (openpyxl write-only mode) into a temporary file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("상담내역")
    sheet.append(HEADER)
    for count, c in enumerate(rows, start=1):
        if count > EXCEL_MAX_ROWS:
            break
        sheet.append(row_cells(c))
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse reads and closes it
    workbook.save(handle)
    handle.seek(0)
    return handle
