"""The one shape of a page's door: anonymous visitors go to the login page, a signed-in user who
may not enter gets 403. Each app says who may enter (customers.roles by role, messaging by the
staff flags); this module holds only the door."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

View = Callable[..., HttpResponseBase]


def entry_required(allowed: Callable[[Any], bool]) -> Callable[[View], View]:
    """A view decorator: signed in, active, and `allowed(user)`."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_active or not allowed(user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
