"""Who may enter which part of the site. Anonymous users go to login; the wrong role gets 403."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from core.roles import View, entry_required

from .models import User


class AuthenticatedRequest(HttpRequest):
    """What a view behind role_required receives: the user is signed in, active, of the right role."""

    user: User  # type: ignore[assignment]


def role_required(*roles: str) -> Callable[[View], View]:
    return entry_required(lambda user: user.role in roles)


customer_required = role_required(User.Role.CUSTOMER)
staff_required = role_required(*User.STAFF_ROLES)
manager_required = role_required(User.Role.MANAGER)
