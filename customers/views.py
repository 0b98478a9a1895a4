from __future__ import annotations

from typing import cast

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .forms import LoginForm
from .models import User


class LoginView(auth_views.LoginView):
    """One login for customers and staff; each lands on their own home unless `next` says otherwise."""

    template_name = "customers/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        next_url = self.get_redirect_url()
        if next_url and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return next_url
        return cast(User, self.request.user).home_url()


def landing_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(request.user.home_url())
    features = [
        ("clock-history", _("통합 상담이력"), _("어느 채널에서 상담했든 한 화면에서 이어서 봅니다.")),
        (
            "calendar-check",
            _("추가 상담 예약"),
            _("실제로 비어 있는 시간만 골라 예약하고 문자로 안내받습니다."),
        ),
        ("chat-square-text", _("인터넷 문의"), _("문의를 남기면 상담사가 답변하고 알려 드립니다.")),
    ]
    return render(request, "customers/landing.html", {"features": features})
