"""An alimtalk template's buttons, as Kakao approved them.

SOLAPI takes the buttons from the approved template (messaging/providers/solapi.py sends the
template id and variables only), so ours are the bank's record of what was approved: shown in the
editor and on the template list, checked against Kakao's rules when saved — at most five, a type
Kakao knows, a name of at most 14 characters, and web links that are http(s) addresses.

Managers write one button a line: `종류 | 이름 | 모바일 링크 | PC 링크`, e.g.
`WL | 예약 확인하기 | https://m.hanabank.com/booking`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_BUTTONS = 5
MAX_NAME_CHARS = 14
BUTTON_TYPES = {
    "WL": gettext_lazy("웹 링크"),
    "AL": gettext_lazy("앱 링크"),
    "DS": gettext_lazy("배송 조회"),
    "BK": gettext_lazy("봇 키워드"),
    "MD": gettext_lazy("메시지 전달"),
    "AC": gettext_lazy("채널 추가"),
}
_LINKED = {"WL", "AL"}  # the types that open an address; WL must be http(s)


def _is_web(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and " " not in url


def buttons_check(buttons: list[dict[str, str]]) -> list[dict[str, str]]:
    """The buttons as they are stored, or a ValidationError in Korean naming the button."""
    if len(buttons) > MAX_BUTTONS:
        raise ValidationError(
            _("버튼은 %(max)d개까지 둘 수 있습니다.") % {"max": MAX_BUTTONS}, code="too_many_buttons"
        )
    checked = []
    for number, button in enumerate(buttons, start=1):
        kind = str(button.get("type", "")).strip().upper()
        name = str(button.get("name", "")).strip()
        mobile = str(button.get("url_mobile", "")).strip()
        pc = str(button.get("url_pc", "")).strip()
        where = _("%(n)d번째 버튼") % {"n": number}
        if kind not in BUTTON_TYPES:
            raise ValidationError(
                _("%(where)s: 종류는 %(types)s 중 하나여야 합니다.")
                % {"where": where, "types": ", ".join(BUTTON_TYPES)},
                code="button_type",
            )
        if not name:
            raise ValidationError(_("%(where)s: 이름을 적어 주세요.") % {"where": where}, code="button_name")
        if len(name) > MAX_NAME_CHARS:
            raise ValidationError(
                _("%(where)s: 이름은 %(max)d자까지입니다 (지금 %(count)d자).")
                % {"where": where, "max": MAX_NAME_CHARS, "count": len(name)},
                code="button_name_length",
            )
        if kind in _LINKED and not mobile:
            raise ValidationError(
                _("%(where)s: 모바일 링크가 필요합니다.") % {"where": where}, code="button_link"
            )
        if kind not in _LINKED and (mobile or pc):
            raise ValidationError(
                _("%(where)s: 이 종류의 버튼에는 링크를 적지 않습니다.") % {"where": where},
                code="button_link",
            )
        if kind == "WL" and not all(_is_web(url) for url in (mobile, pc) if url):
            raise ValidationError(
                _("%(where)s: 웹 링크는 http:// 또는 https:// 주소여야 합니다.") % {"where": where},
                code="button_url",
            )
        row = {"type": kind, "name": name}
        if mobile:
            row["url_mobile"] = mobile
        if pc:
            row["url_pc"] = pc
        checked.append(row)
    return checked


def buttons_parse(text: str) -> list[dict[str, str]]:
    """The editor's lines (`종류 | 이름 | 모바일 링크 | PC 링크`) as checked buttons."""
    buttons = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > 4:
            raise ValidationError(
                _("버튼 한 줄은 '종류 | 이름 | 모바일 링크 | PC 링크' 형식입니다: %(line)s") % {"line": line},
                code="button_format",
            )
        parts += [""] * (4 - len(parts))
        buttons.append({"type": parts[0], "name": parts[1], "url_mobile": parts[2], "url_pc": parts[3]})
    return buttons_check(buttons)


def buttons_text(buttons: list[dict[str, str]] | None) -> str:
    """Stored buttons back as the editor's lines."""
    lines = []
    for button in buttons or []:
        parts = [button.get("type", ""), button.get("name", "")]
        if button.get("url_mobile") or button.get("url_pc"):
            parts.append(button.get("url_mobile", ""))
        if button.get("url_pc"):
            parts.append(button["url_pc"])
        lines.append(" | ".join(parts))
    return "\n".join(lines)
