"""The demo bank's fixed accounts (from the original ONEHANA project) and its one documented password.

Only seed_demo creates these users; the login page lists them outside production.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

DEMO_PASSWORD = "onehana2020!"  # noqa: S105 - the one documented demo password, demo data only

CUSTOMER_LOGIN = "hanauser1"
STAFF_LOGINS = ("hnv2001", "hnv2004")
MANAGER_LOGIN = "hnv9001"


def login_hints() -> list[tuple[str, str]]:
    return [
        (CUSTOMER_LOGIN, _("손님 박진우")),
        ("hanauser2", _("손님 이서연")),
        ("hnv2001", _("상담사 김하나 (원격)")),
        ("hnv2004", _("행원 신행복 (을지로 본점)")),
        (MANAGER_LOGIN, _("관리자 최지원")),
    ]
