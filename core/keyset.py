"""Keyset page cursors: (moment, id) of the last row shown, opaque in a URL.

A cursor a person tampered with decodes to None and the list starts from its first page."""

from __future__ import annotations

import base64
import binascii
import datetime as dt

from django.utils.dateparse import parse_datetime


def encode_cursor(moment: dt.datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.split("|")
        moment = parse_datetime(stamp)
        return (moment, int(pk)) if moment else None
    except (ValueError, UnicodeDecodeError, binascii.Error):
        return None
