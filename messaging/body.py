"""Message bodies: rendered from templates, classified SMS or LMS by their EUC-KR size.

Templates see flat variables only (names, times, titles), never model objects: managers edit
them in the browser, so a template must not be able to reach anything else.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .encoding import LMS_MAX_BYTES, SMS_MAX_BYTES, euc_kr_length
from .models import Message, MessageTemplate, Purpose

KST = dt.timezone(dt.timedelta(hours=9))

_ENGINE = Engine(autoescape=False, libraries={})  # plain text; no {% load %} of any library
_ALLOWED_TAGS = {
    "if",
    "elif",
    "else",
    "endif",
    "for",
    "empty",
    "endfor",
    "with",
    "endwith",
    "firstof",
    "comment",
    "endcomment",
}
_TAG = re.compile(r"{%\s*(\w+)")

_SAMPLE_TIME = dt.datetime(2026, 11, 23, 14, 30, tzinfo=KST)
_BOOKING = {
    "name": "박진우",
    "starts_at": _SAMPLE_TIME,
    "channel": "영업점 창구",
    "branch": "을지로 본점",
    "staff": "신행복",
}
# The variables each purpose's template may use, with sample values for the live preview.
VARIABLES: dict[str, dict[str, Any]] = {
    Purpose.OTP: {"code": "123456"},
    Purpose.BOOKING_CONFIRMED: _BOOKING,
    Purpose.BOOKING_CANCELLED: _BOOKING,
    Purpose.BOOKING_REMINDER: _BOOKING,
    Purpose.INQUIRY_ANSWERED: {"name": "박진우", "title": "전세자금대출 필요 서류 문의"},
    Purpose.INQUIRY_OVERDUE: {"title": "전세자금대출 필요 서류 문의", "created_at": _SAMPLE_TIME},
    Purpose.MARKETING: {"name": "박진우", "text": "12월 한 달간 정기예금 우대금리 0.3%p"},
}


def message_kind(text: str) -> str:
    return Message.Kind.SMS if euc_kr_length(text) <= SMS_MAX_BYTES else Message.Kind.LMS


def template_source(purpose: str) -> str:
    """A manager's edited template if there is one, else the file in templates/messaging/sms/."""
    edited = MessageTemplate.objects.filter(purpose=purpose).values_list("body", flat=True).first()
    if edited is not None:
        return edited
    return default_template_source(purpose)


def default_template_source(purpose: str) -> str:
    return get_template(f"messaging/sms/{purpose}.txt").template.source  # type: ignore[attr-defined]


def check_template_source(source: str) -> None:
    """Refuse tags outside the allow-list and templates that do not parse (ValidationError)."""
    for tag in _TAG.findall(source):
        if tag not in _ALLOWED_TAGS:
            raise ValidationError(_("사용할 수 없는 태그입니다: %(tag)s") % {"tag": tag}, code="tag")
    try:
        _ENGINE.from_string(source)
    except TemplateSyntaxError as exc:
        raise ValidationError(_("템플릿 문법 오류: %(error)s") % {"error": exc}, code="syntax") from exc


@lru_cache(maxsize=64)
def _compiled(source: str) -> Template:
    return _ENGINE.from_string(source)  # keyed by the text itself, so an edited template is a new entry


def render_source(source: str, context: dict[str, Any]) -> str:
    # Always Korean and Korean time, whatever language the person who triggered it uses.
    with translation.override("ko"), timezone.override(KST):
        return _compiled(source).render(Context(context)).strip()


def render_body(purpose: str, context: dict[str, Any], *, source: str | None = None) -> str:
    """Render a purpose's template (pass `source` to render many with one template look-up)."""
    body = render_source(template_source(purpose) if source is None else source, context)
    if euc_kr_length(body) > LMS_MAX_BYTES:
        raise ValidationError(
            _("메시지가 LMS 최대 길이(%(n)s바이트)를 넘습니다.") % {"n": f"{LMS_MAX_BYTES:,}"},
            code="too_long",
        )
    return body
