"""A campaign's text: the advertising frame the law asks for, personalisation, and what blocks it.

정보통신망법 §50 (and the KISA guide): an advertising SMS starts with "(광고)" and the sender's
name and ends with a free opt-out number. The manager writes only what goes between; the frame is
added here for the test send, the counts and every real send, so nobody can remove it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from messaging.body import body_counts, check_body_limits
from messaging.encoding import ALIMTALK_MAX_CHARS, SMS_MAX_BYTES, euc_kr_length

from .models import BannedWord

AD_MARK = "(광고)"
# The tags a manager may put in a body; each is replaced by the customer's own value.
TAGS: dict[str, Any] = {
    "#{이름}": gettext_lazy("손님 이름"),
    "#{고객등급}": gettext_lazy("고객등급"),
}
_TAG = re.compile(r"#\{[^}]*\}")
# The longest values a tag can take, so a body that fits with them fits for every customer.
_LONGEST = {"#{이름}": "가" * 10, "#{고객등급}": "프라이빗"}


def opt_out_line() -> str:
    # The SMS itself is Korean whatever language the manager reads the site in.
    return f"무료수신거부 {settings.MARKETING_OPT_OUT_NUMBER}"


def strip_frame(body: str) -> str:
    """What the manager wrote without a frame they may have typed themselves (it is added anyway)."""
    text = body.strip()
    if text.startswith(AD_MARK):
        text = text[len(AD_MARK) :].lstrip()
    line = opt_out_line()
    if text.endswith(line):
        text = text[: -len(line)].rstrip()
    return text


def personalise(body: str, values: dict[str, str]) -> str:
    return _TAG.sub(lambda m: values.get(m.group(0), m.group(0)), body)


def framed(body: str, values: dict[str, str] | None = None) -> str:
    """The text as the customer receives it: (광고), the sender, the body, the opt-out line."""
    text = personalise(body.strip(), values or {})
    return f"{AD_MARK}[{settings.MARKETING_SENDER_NAME}] {text}\n{opt_out_line()}"


def values_for(customer: Any) -> dict[str, str]:
    """The personalisation tags' values of a loaded customer."""
    return values_of(customer.name, str(customer.customer_profile.get_tier_display()))


def values_of(name: str, tier_label: str) -> dict[str, str]:
    """The same from plain values (the pacer's slices; tier_labels() translates each tier once)."""
    return {"#{이름}": name, "#{고객등급}": tier_label}


def tier_labels() -> dict[str, str]:
    from customers.models import CustomerProfile

    return {value: str(label) for value, label in CustomerProfile.Tier.choices}


def alimtalk_of(campaign: Any, values: dict[str, str]) -> tuple[str, dict[str, str]] | None:
    """An alimtalk campaign's (approved template code, #{variables}) for one customer, else None.
    The framed text is the alimtalk's text and, if KakaoTalk cannot reach them, the SMS/LMS."""
    if campaign.channel != "ata" or campaign.alimtalk_template_id is None:
        return None
    return campaign.alimtalk_template.code, dict(values)


def longest_framed(body: str) -> str:
    return framed(body, _LONGEST)


@dataclass(frozen=True)
class Problem:
    kind: str  # banned | rrn | card | account | phone | tag
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return str(PROBLEM_LABELS[self.kind])


PROBLEM_LABELS = {
    "banned": gettext_lazy("금칙어"),
    "rrn": gettext_lazy("주민등록번호"),
    "card": gettext_lazy("카드번호"),
    "account": gettext_lazy("계좌번호"),
    "phone": gettext_lazy("휴대폰 번호"),
    "tag": gettext_lazy("알 수 없는 태그"),
}

# Personal data that must never be in an advertising text. Most specific first: a span already
# taken by one kind is not reported again as another.
_PII = [
    ("rrn", re.compile(r"(?<!\d)\d{6}\s?-\s?[1-8]\d{6}(?!\d)")),
    ("card", re.compile(r"(?<!\d)\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{3,4}(?!\d)")),
    ("phone", re.compile(r"(?<!\d)01[016789][ -]?\d{3,4}[ -]?\d{4}(?!\d)")),
    ("account", re.compile(r"(?<!\d)\d{3,6}-\d{2,6}-\d{3,7}(?:-\d{1,3})?(?!\d)")),
    ("rrn", re.compile(r"(?<!\d)\d{13}(?!\d)")),
    ("account", re.compile(r"(?<!\d)\d{10,14}(?!\d)")),
]


def content_problems(body: str, banned: list[str] | None = None) -> list[Problem]:
    """Every banned word, piece of personal data and unknown tag in the body, in text order."""
    found: list[Problem] = []

    def taken(start: int, end: int) -> bool:
        return any(p.start < end and start < p.end for p in found)

    words = banned if banned is not None else list(BannedWord.objects.values_list("word", flat=True))
    lowered = body.lower()
    for word in sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True):
        start = lowered.find(word.lower())
        while start != -1:
            if not taken(start, start + len(word)):
                found.append(Problem("banned", start, start + len(word), body[start : start + len(word)]))
            start = lowered.find(word.lower(), start + 1)
    for kind, pattern in _PII:
        for match in pattern.finditer(body):
            if not taken(match.start(), match.end()):
                found.append(Problem(kind, match.start(), match.end(), match.group(0)))
    for match in _TAG.finditer(body):
        if match.group(0) not in TAGS:
            found.append(Problem("tag", match.start(), match.end(), match.group(0)))
    return sorted(found, key=lambda p: p.start)


def marked(body: str, problems: list[Problem]) -> list[dict[str, Any]]:
    """The body cut into pieces, the problem ones labelled, for the template to wrap in <mark>."""
    pieces: list[dict[str, Any]] = []
    at = 0
    for problem in problems:
        if problem.start > at:
            pieces.append({"text": body[at : problem.start], "problem": None})
        pieces.append({"text": body[problem.start : problem.end], "problem": problem.label})
        at = problem.end
    if at < len(body):
        pieces.append({"text": body[at:], "problem": None})
    return pieces


def problems_error(problems: list[Problem]) -> ValidationError:
    listed = ", ".join(f"{p.label} '{p.text}'" for p in problems)
    return ValidationError(
        _("광고 문안에 쓸 수 없는 내용이 있습니다: %(list)s") % {"list": listed}, code="content"
    )


def check_content(body: str, channel: str) -> None:
    """Refuse a body with a problem, or one some provider (or the chosen SMS) cannot carry."""
    problems = content_problems(body)
    if problems:
        raise problems_error(problems)
    text = longest_framed(body)
    check_body_limits(text)
    if channel == "sms" and euc_kr_length(text) > SMS_MAX_BYTES:
        raise ValidationError(
            _(
                "SMS는 %(limit)s바이트까지입니다 (광고 표시와 수신거부 문구 포함 %(count)s바이트). LMS를 선택하세요."
            )
            % {"limit": SMS_MAX_BYTES, "count": euc_kr_length(text)},
            code="too_long",
        )
    if channel == "ata" and len(text) > ALIMTALK_MAX_CHARS:
        raise ValidationError(
            _("알림톡은 %(limit)s자까지입니다 (광고 표시와 수신거부 문구 포함 %(count)s자).")
            % {"limit": f"{ALIMTALK_MAX_CHARS:,}", "count": f"{len(text):,}"},
            code="too_long",
        )


def counts(body: str) -> list[dict[str, Any]]:
    """Each provider's count of the longest text a customer can receive."""
    return body_counts(longest_framed(body))
