"""The one place rich text is cleaned (nh3, an allow-list). Called on save and again on display."""

from __future__ import annotations

import re

import nh3

INLINE_IMAGE_URL = re.compile(r"^/inquiries/files/([0-9]+)/$")

_TEXT_TAGS = {
    "p", "br", "hr", "div", "span", "b", "strong", "i", "em", "u", "s", "strike", "sub", "sup",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "ul", "ol", "li",
    "table", "thead", "tbody", "tr", "th", "td", "a",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
LINK_REL = "noopener noreferrer nofollow"


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src":
        return value if INLINE_IMAGE_URL.match(value) else None
    if attribute in {"width", "height", "colspan", "rowspan"}:
        return value if value.isascii() and value.isdigit() and len(value) <= 4 else None
    return value


def sanitize_html(html: str, *, images: bool = True) -> str:
    """Basic formatting, lists, tables, links (http/https/mailto, rel=nofollow…) and, when allowed,
    images served by our own upload view. Everything else — scripts, event handlers, styles, SVG,
    frames, forms, javascript:/data: URLs — is dropped."""
    return nh3.clean(
        html or "",
        tags=_TEXT_TAGS | ({"img"} if images else set()),
        clean_content_tags={"script", "style", "template", "noscript", "textarea", "title", "xmp"},
        attributes=_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()


def inline_image_ids(html: str) -> set[int]:
    """Ids of our uploaded images that a cleaned body refers to."""
    return {int(n) for n in re.findall(r'<img[^>]*\ssrc="/inquiries/files/([0-9]+)/"', html)}


def has_text(html: str) -> bool:
    """Whether cleaned HTML says anything (an editor left empty sends '<p><br></p>')."""
    return bool(nh3.clean(html, tags=set()).strip().replace("&nbsp;", "")) or "<img" in html
