"""Message bodies: rendered from templates, classified SMS or LMS by their EUC-KR size.

Templates see flat variables only (names, times, titles), never model objects: managers edit
them in the browser, so a template must not be able to reach anything else.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Engine, Node, Template, TemplateSyntaxError
from django.template.base import Lexer, TextNode, TokenType, VariableNode
from django.template.defaulttags import CommentNode, FirstOfNode, IfNode
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .encoding import ALIMTALK_MAX_CHARS, LMS_MAX_BYTES, SMS_MAX_BYTES, TWILIO_MAX_CHARS, euc_kr_length
from .models import Message, MessageTemplate, Purpose

KST = dt.timezone(dt.timedelta(hours=9))
log = logging.getLogger(__name__)

# Plain text; no {% load %} of any library. The last builtin replaces `date` with one that writes
# the Korean weekday as one syllable: 12/2(수), not 12/2(수요일).
_ENGINE = Engine(
    autoescape=False,
    libraries={},
    builtins=[
        "django.template.defaulttags",
        "django.template.defaultfilters",
        "django.template.loader_tags",
        "messaging.templatetags.message_dates",
    ],
)
# What a message template may contain: text, variables, conditions and comments. No loops, no
# include/extends/load, nothing that repeats or reaches outside the flat variables; the compiled
# template is checked node by node when it is saved and again before it is rendered.
_ALLOWED_NODES = (TextNode, VariableNode, IfNode, FirstOfNode, CommentNode)
ALLOWED_TAGS = ("if", "elif", "else", "endif", "firstof", "comment", "endcomment")
# Filters that shorten or format a value; none can make its output much longer than its input
# (center/ljust/rjust with a width of a million would).
ALLOWED_FILTERS = frozenset({"date", "time", "truncatechars", "default", "default_if_none", "yesno"})
_TAG = re.compile(r"{%\s*(\w+)")
_FILTER = re.compile(r"\|\s*(\w+)")
_STRING = re.compile(r""""[^"]*"|'[^']*'""")


class RenderTimeout(Exception):
    """A template took longer than MESSAGE_TEMPLATE_RENDER_SECONDS (not a lookup error Django swallows)."""


class _DeadlineContext(Context):
    """Every variable lookup checks the clock, so a render stops soon after its time is up."""

    deadline = 0.0

    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        if time.monotonic() > self.deadline:
            raise RenderTimeout
        return super().__getitem__(key)


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
    Purpose.BOOKING_RESCHEDULED: {**_BOOKING, "old_starts_at": _SAMPLE_TIME - dt.timedelta(days=1)},
    Purpose.CALLBACK_UNREACHABLE: {"name": "박진우", "created_at": _SAMPLE_TIME},
    Purpose.INQUIRY_ANSWERED: {"name": "박진우", "title": "전세자금대출 필요 서류 문의"},
    Purpose.INQUIRY_OVERDUE: {"title": "전세자금대출 필요 서류 문의", "created_at": _SAMPLE_TIME},
    Purpose.CASE_OPENED: {"name": "박진우", "number": "20261123-42", "due_at": _SAMPLE_TIME},
    Purpose.CASE_ANSWERED: {"name": "박진우", "number": "20261123-42", "title": "카드 연회비 이중 청구"},
    Purpose.CASE_CLOSED: {"name": "박진우", "number": "20261123-42", "title": "카드 연회비 이중 청구"},
    Purpose.CASE_OVERDUE: {"number": "20261123-42", "title": "카드 연회비 이중 청구", "team": "카드팀"},
    Purpose.MARKETING: {"name": "박진우", "text": "12월 한 달간 정기예금 우대금리 0.3%p"},
    Purpose.CAMPAIGN_TEST: {"text": "(광고)[하나은행] 12월 한 달간 정기예금 우대금리 0.3%p"},
    Purpose.LOGIN_LOCKED: {"name": "박진우", "locked_at": _SAMPLE_TIME},
}


@dataclass(frozen=True)
class BodyLimit:
    """One provider's ceiling on a body; `refuses` marks the ones a body may not pass at all."""

    channel: Any  # a lazy label
    unit: str  # "bytes" (EUC-KR) | "chars"
    limit: int
    refuses: bool

    def count(self, body: str) -> int:
        return euc_kr_length(body) if self.unit == "bytes" else len(body)


# SMS over 90 bytes is not refused: it goes as LMS. Twilio counts characters (21617 over 1,600),
# so an ASCII LMS within 2,000 bytes can still be too long for it.
BODY_LIMITS = (
    BodyLimit("SMS", "bytes", SMS_MAX_BYTES, refuses=False),
    BodyLimit("LMS", "bytes", LMS_MAX_BYTES, refuses=True),
    BodyLimit("Twilio", "chars", TWILIO_MAX_CHARS, refuses=True),
    BodyLimit(gettext_lazy("알림톡"), "chars", ALIMTALK_MAX_CHARS, refuses=False),
)


def body_counts(body: str) -> list[dict[str, Any]]:
    """Each provider's count of a body against its limit, for the template editor."""
    return [
        {
            "channel": str(limit.channel),
            "unit": limit.unit,
            "count": limit.count(body),
            "limit": limit.limit,
            "over": limit.count(body) > limit.limit,
            "refuses": limit.refuses,
        }
        for limit in BODY_LIMITS
    ]


def check_body_limits(body: str) -> None:
    """Refuse a body that some provider we send through would refuse (ValidationError)."""
    errors = [
        ValidationError(
            _("%(channel)s 최대 길이(%(limit)s%(unit)s)를 넘습니다: %(count)s%(unit)s")
            % {
                "channel": limit.channel,
                "limit": f"{limit.limit:,}",
                "count": f"{limit.count(body):,}",
                "unit": _("바이트") if limit.unit == "bytes" else _("자"),
            },
            code="too_long",
        )
        for limit in BODY_LIMITS
        if limit.refuses and limit.count(body) > limit.limit
    ]
    if errors:
        raise ValidationError(errors)


def message_kind(text: str) -> str:
    return Message.Kind.SMS if euc_kr_length(text) <= SMS_MAX_BYTES else Message.Kind.LMS


def template_source(purpose: str) -> str:
    """A manager's edited template if there is one, else the file in templates/messaging/sms/."""
    edited = MessageTemplate.objects.filter(purpose=purpose).values_list("body", flat=True).first()
    if edited is not None:
        return edited
    return default_template_source(purpose)


def alimtalk_template_for(purpose: str) -> str:
    """The approved alimtalk template a manager configured for the purpose, or ''."""
    code = MessageTemplate.objects.filter(purpose=purpose).values_list("alimtalk_template", flat=True).first()
    return code or ""


def alimtalk_variables(context: dict[str, Any]) -> dict[str, str]:
    """The flat values of a message's context as alimtalk #{variables}, in Korean time."""
    values: dict[str, str] = {}
    for name, value in context.items():
        if isinstance(value, dt.datetime):
            values[name] = value.astimezone(KST).strftime("%Y-%m-%d %H:%M")
        elif isinstance(value, str | int | float):
            values[name] = str(value)
    return values


def default_template_source(purpose: str) -> str:
    return get_template(f"messaging/sms/{purpose}.txt").template.source  # type: ignore[attr-defined]


def _refuse_tag(tag: str) -> ValidationError:
    return ValidationError(
        _("사용할 수 없는 태그입니다: %(tag)s (쓸 수 있는 태그: %(allowed)s)")
        % {"tag": tag, "allowed": ", ".join(ALLOWED_TAGS)},
        code="tag",
    )


def _nodes(nodelist: Any) -> Iterator[Node]:
    for node in nodelist:
        yield node
        for attr in node.child_nodelists:  # an {% if %}'s `nodelist` holds all its branches
            yield from _nodes(getattr(node, attr, None) or [])


def _check_compiled(template: Template) -> None:
    for node in _nodes(template.nodelist):
        if not isinstance(node, _ALLOWED_NODES):
            token = getattr(node, "token", None)
            raise _refuse_tag(token.split_contents()[0] if token is not None else type(node).__name__)


def _check_filters(source: str) -> None:
    """Every `|filter` in a variable or a tag (an {% if %} condition can filter too), string
    literals aside."""
    for token in Lexer(source).tokenize():
        if token.token_type not in (TokenType.VAR, TokenType.BLOCK):
            continue
        for name in _FILTER.findall(_STRING.sub("", token.contents)):
            if name not in ALLOWED_FILTERS:
                raise ValidationError(
                    _("사용할 수 없는 필터입니다: %(name)s (쓸 수 있는 필터: %(allowed)s)")
                    % {"name": name, "allowed": ", ".join(sorted(ALLOWED_FILTERS))},
                    code="filter",
                )


def check_template_source(source: str) -> None:
    """Refuse a template that is too long, uses a tag or filter outside the allow-lists or does not
    parse (ValidationError)."""
    limit = settings.MESSAGE_TEMPLATE_MAX_CHARS
    if len(source) > limit:
        raise ValidationError(
            _("템플릿이 너무 깁니다: 최대 %(limit)s자 (지금 %(count)s자)")
            % {"limit": f"{limit:,}", "count": f"{len(source):,}"},
            code="template_too_long",
        )
    for tag in _TAG.findall(source):  # a readable answer before the parser's own
        if tag not in ALLOWED_TAGS:
            raise _refuse_tag(tag)
    _compiled(source)
    _check_filters(source)


@lru_cache(maxsize=64)
def _compiled(source: str) -> Template:
    # Keyed by the text itself, so an edited template is a new entry; only checked ones are cached.
    try:
        template = _ENGINE.from_string(source)
    except TemplateSyntaxError as exc:
        raise ValidationError(_("템플릿 문법 오류: %(error)s") % {"error": exc}, code="syntax") from exc
    _check_compiled(template)
    return template


def render_source(source: str, context: dict[str, Any]) -> str:
    """The body a template makes, within the size and time bounds (ValidationError otherwise)."""
    check_template_source(source)
    render_context = _DeadlineContext(context)
    render_context.deadline = time.monotonic() + settings.MESSAGE_TEMPLATE_RENDER_SECONDS
    # Always Korean and Korean time, whatever language the person who triggered it uses.
    try:
        with translation.override("ko"), timezone.override(KST):
            body = _compiled(source).render(render_context).strip()
    except RenderTimeout:
        raise ValidationError(
            _("템플릿을 만드는 데 너무 오래 걸립니다 (%(seconds)s초 넘음). 내용을 줄여 주세요.")
            % {"seconds": f"{settings.MESSAGE_TEMPLATE_RENDER_SECONDS:g}"},
            code="render_timeout",
        ) from None
    limit = settings.MESSAGE_RENDER_MAX_CHARS
    if len(body) > limit:
        raise ValidationError(
            _("만들어진 메시지가 너무 깁니다: 최대 %(limit)s자 (지금 %(count)s자)")
            % {"limit": f"{limit:,}", "count": f"{len(body):,}"},
            code="output_too_long",
        )
    return body


def render_body(purpose: str, context: dict[str, Any], *, source: str | None = None) -> str:
    """Render a purpose's template (pass `source` to render many with one template look-up).

    A stored template the checks now refuse (saved before they existed) is not sent: the message
    goes out with the file in templates/messaging/sms/ and the refusal is logged."""
    source = template_source(purpose) if source is None else source
    try:
        body = render_source(source, context)
    except ValidationError as refused:
        default = default_template_source(purpose)
        if source == default:
            raise
        log.warning(
            "message template for %s refused at render (%s): the default is sent", purpose, refused.messages
        )
        body = render_source(default, context)
    if euc_kr_length(body) > LMS_MAX_BYTES:
        raise ValidationError(
            _("메시지가 LMS 최대 길이(%(n)s바이트)를 넘습니다.") % {"n": f"{LMS_MAX_BYTES:,}"},
            code="too_long",
        )
    return body


_NAME = re.compile(r"(?<![\w.])code(?!\w)")
_WHOLE_PLACEHOLDER = re.compile(r"{{\s*code\s*}}")


def check_secret_placeholder(purpose: str, source: str, body: str | None = None) -> None:
    """An OTP template names the code once, as the whole placeholder `{{ code }}`, and prints it once.

    The code is kept out of the stored body by rendering a mask in its place (messaging/secret.py);
    a template that printed it in pieces (`{{ code|slice:':3' }}`) or passed it through a tag
    would put digits in the body staff pages show, so it is refused. Checked on the source before
    the tag allow-list (so a manager who split the code is told why), and on the body once rendered."""
    if purpose != Purpose.OTP:
        return
    tags = re.findall(r"{{.*?}}|{%.*?%}", source, flags=re.S)
    mentions = sum(len(_NAME.findall(tag)) for tag in tags)
    if (
        mentions != 1
        or len(_WHOLE_PLACEHOLDER.findall(source)) != 1
        or (body is not None and body.count(VARIABLES[purpose]["code"]) != 1)
    ):
        raise ValidationError(
            _("인증번호는 {{ code }} 한 곳에, 필터 없이 그대로 넣어야 합니다."), code="secret_placeholder"
        )


def template_check(purpose: str, source: str, *, alimtalk: bool = False) -> str:
    """A template as a manager saves it: allowed tags, and the body made with sample values within
    every provider's limits (and alimtalk's 1,000 characters if it goes as one). Returns that body."""
    check_secret_placeholder(purpose, source)
    check_template_source(source)
    body = render_source(source, VARIABLES[purpose])
    check_secret_placeholder(purpose, source, body)
    check_body_limits(body)
    if alimtalk and len(body) > ALIMTALK_MAX_CHARS:
        raise ValidationError(
            _("%(channel)s 최대 길이(%(limit)s%(unit)s)를 넘습니다: %(count)s%(unit)s")
            % {
                "channel": _("알림톡"),
                "limit": f"{ALIMTALK_MAX_CHARS:,}",
                "count": f"{len(body):,}",
                "unit": _("자"),
            },
            code="too_long",
        )
    return body
