"""The demo bank's fixed accounts (from the original ONEHANA project) and its one documented password.

Only seed_demo creates these users; the URLconf hands them to the login page outside production
(DEMO_PASSWORD_HINT), so the login view itself knows nothing of demo data.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DEMO_PASSWORD = "onehana2020!"  # noqa: S105 - the one documented demo password, demo data only

CUSTOMER_LOGIN = "hanauser1"
STAFF_LOGINS = ("hnv2001", "hnv2004")
MANAGER_LOGIN = "hnv9001"


def login_hints() -> list[tuple[str, str | Promise]]:
    return [
        (CUSTOMER_LOGIN, _("손님 박진우")),
        ("hanauser2", _("손님 이서연")),
        ("hnv2001", _("상담사 김하나 (원격)")),
        ("hnv2004", _("행원 신행복 (을지로 본점)")),
        (MANAGER_LOGIN, _("관리자 최지원")),
        ("hnv9002", _("관리자 강민준 (캠페인 승인)")),
    ]


def login_context() -> dict[str, Any]:
    """What the login page shows of the demo bank: nothing in production."""
    if not settings.DEMO_PASSWORD_HINT:
        return {}
    return {"demo_password": DEMO_PASSWORD, "demo_accounts": login_hints()}
