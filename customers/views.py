from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AuditEntry
from audit.services import audit_record
from consultations.models import Booking, Channel
from consultations.selectors import booking_list_for_customer

from . import demo
from .access import customer_get_for_user
from .forms import CustomerSearchForm, LoginForm
from .models import User
from .roles import AuthenticatedRequest, staff_required
from .selectors import customer_search, is_favourite, starred_ids
from .services import favourite_toggle
from .timeline import KINDS, customer_timeline


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

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if settings.DEMO_PASSWORD_HINT:
            context["demo_password"] = demo.DEMO_PASSWORD
            context["demo_accounts"] = demo.login_hints()
        return context


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


@staff_required
def customer_search_view(request: AuthenticatedRequest) -> HttpResponse:
    form = CustomerSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid():
        results = customer_search(
            query=form.cleaned_data["q"] or "", birth_date=form.cleaned_data["birth_date"]
        )
        page = Paginator(results, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    starred = starred_ids(staff=request.user, customers=page.object_list) if page else set()
    return render(
        request,
        "customers/customer_search.html",
        {"form": form, "page": page, "query": query.urlencode(), "starred": starred},
    )


def _parse_before(value: str) -> dt.datetime | None:
    moment = parse_datetime(value) if value else None
    return moment if moment and moment.tzinfo else None


@staff_required
def customer_detail_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    customer = customer_get_for_user(user=request.user, pk=pk)
    kinds = {k for k in request.GET.getlist("type") if k in KINDS}
    channel = request.GET.get("channel", "")
    timeline = customer_timeline(
        customer=customer,
        kinds=kinds or None,
        channel_code=channel,
        before=_parse_before(request.GET.get("before", "")),
        internal_notes=True,
    )
    audit_record(
        request=request,
        action=AuditEntry.Action.VIEW,
        customer=customer,
        target="customer page",
        detail={"filters": request.GET.dict()} if request.GET else {},
    )
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "customers/customer_detail.html",
        {
            "customer": customer,
            "profile": customer.customer_profile,
            "timeline": timeline,
            "kinds": KINDS,
            "selected_kinds": kinds,
            "channels": Channel.objects.active(),
            "selected_channel": channel,
            "is_favourite": is_favourite(staff=request.user, customer=customer),
            "open_bookings": booking_list_for_customer(customer=customer).filter(
                status=Booking.Status.BOOKED
            ),
            "query": query.urlencode(),
        },
    )


@staff_required
@require_POST
def favourite_toggle_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    customer = customer_get_for_user(user=request.user, pk=pk)
    starred = favourite_toggle(staff=request.user, customer=customer)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"starred": starred})
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("staff:customer_detail", args=[pk])
    return redirect(next_url)
