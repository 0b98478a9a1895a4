"""Who may enter which part of the site. Anonymous users go to login; the wrong role gets 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase as HttpResponse

from .models import User

View = Callable[..., HttpResponse]


class AuthenticatedRequest(HttpRequest):
    """What a view behind role_required receives: the user is signed in, active, of the right role."""

    user: User  # type: ignore[assignment]


def role_required(*roles: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_active or user.role not in roles:  # type: ignore[union-attr]
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


customer_required = role_required(User.Role.CUSTOMER)
staff_required = role_required(*User.STAFF_ROLES)
manager_required = role_required(User.Role.MANAGER)
