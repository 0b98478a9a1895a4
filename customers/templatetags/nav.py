"""The main menu, rendered once per role, language and page and then reused.

The menu (templates/includes/_nav_menu.html) is the same for everyone with the same role on the
same page in the same language: its ~24 `{% url %}` and the active-item tests were a fixed cost of
every page (about 3 ms of CPU each time). It is kept here, per process, under that key; the part of
the bar that names the person and carries the CSRF token (_nav.html) is rendered on every request.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

MENU_TEMPLATE = "includes/_nav_menu.html"
MAX_ENTRIES = 4096  # roles × languages × URL names: a few hundred in practice; a bound all the same

_menus: dict[tuple[Any, ...], SafeString] = {}


def menu_key(request: Any, user: Any) -> tuple[Any, ...]:
    match = getattr(request, "resolver_match", None)
    authenticated = bool(user is not None and user.is_authenticated)
    return (
        get_language(),
        get_script_prefix(),
        getattr(request, "urlconf", None),
        authenticated,
        getattr(user, "role", None) if authenticated else None,
        match.namespace if match else None,
        match.url_name if match else None,
    )


def clear() -> None:
    _menus.clear()


@register.simple_tag(takes_context=True)
def nav_menu(context: template.Context) -> SafeString:
    request = context.get("request")
    user = context.get("user")
    key = menu_key(request, user)
    html = _menus.get(key)
    if html is None:
        html = mark_safe(get_template(MENU_TEMPLATE).render({"user": user, "request": request}))
        if settings.DEBUG:  # templates edited while the dev server runs show at once
            return html
        if len(_menus) >= MAX_ENTRIES:
            _menus.clear()
        _menus[key] = html
    return html
