"""The staff desk: today's work, customer search, the customer page with its one timeline, favourites."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AuditEntry
from audit.services import audit_record
from consultations.callbacks import callback_queue
from consultations.models import Booking, Channel
from consultations.selectors import booking_list_for_customer, booking_list_for_staff_on
from core.params import param_datetime, param_text
from core.request import client_ip
from customers.access import customer_get_for_user
from customers.forms import CustomerMergeForm, CustomerSearchForm, WalkInForm
from customers.models import User
from customers.roles import AuthenticatedRequest, manager_required, staff_required
from customers.selectors import SEARCH_CAP, customer_search
from customers.services import CustomerExists
from inquiries.selectors import inquiry_queue_counts

from .forms import RevealReason
from .selectors import customer_record_counts, favourite_customers, is_favourite, starred_ids
from .services import customers_merge, favourite_toggle, walk_in_register
from .timeline import KINDS, customer_timeline


@staff_required
def staff_today_view(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    bookings = booking_list_for_staff_on(staff=request.user, day=today)
    return render(
        request,
        "desk/today.html",
        {
            "today": today,
            "bookings": bookings,
            "queue": inquiry_queue_counts(),
            "favourites": favourite_customers(staff=request.user)[:10],
            "callbacks": list(callback_queue(user=request.user)[:5]),
        },
    )


@staff_required
def customer_search_view(request: AuthenticatedRequest) -> HttpResponse:
    form = CustomerSearchForm(request.GET or None)
    page = None
    more = False
    if form.is_bound and form.is_valid():
        found = customer_search(
            query=form.cleaned_data["q"] or "", birth_date=form.cleaned_data["birth_date"]
        )
        # The order is chosen on ids alone; only the page's customers are read whole.
        ids = list(found.values_list("id", flat=True)[: SEARCH_CAP + 1])
        more = len(ids) > SEARCH_CAP
        page = Paginator(ids[:SEARCH_CAP], 20).get_page(request.GET.get("page"))
        by_id = User.objects.select_related("customer_profile").in_bulk(list(page.object_list))
        page.object_list = [by_id[pk] for pk in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    starred = starred_ids(staff=request.user, customers=page.object_list) if page else set()
    return render(
        request,
        "desk/customer_search.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "starred": starred,
            "more": more,
            "cap": SEARCH_CAP,
        },
    )


def _walk_in_initial(query: str) -> dict[str, str]:
    """What the staff member searched for becomes the first guess at the name or the number."""
    text = query.strip()
    if not text:
        return {}
    digits = "".join(ch for ch in text if ch.isdigit())
    return {"phone": text} if len(digits) >= 10 else {} if digits else {"name": text}


@staff_required
def customer_create_view(request: AuthenticatedRequest) -> HttpResponse:
    form = WalkInForm(request.POST or None, initial=_walk_in_initial(request.GET.get("q", "")))
    if request.method == "POST" and form.is_valid():
        try:
            customer = walk_in_register(data=form.service_data(), by=request.user, ip=client_ip(request))
        except CustomerExists as exists:
            # Someone registered the same number a moment ago: point at that customer.
            form.existing = exists.customer
            form.add_error("phone", _("이 휴대폰 번호로 등록된 손님이 이미 있습니다."))
        else:
            messages.success(
                request,
                _("%(name)s 님을 손님번호 %(no)s(으)로 등록했습니다.")
                % {"name": customer.name, "no": customer.customer_profile.customer_no},
            )
            return redirect("staff:customer_detail", pk=customer.pk)
    return render(request, "desk/customer_form.html", {"form": form, "existing": form.existing})


@manager_required
def customer_merge_view(request: AuthenticatedRequest) -> HttpResponse:
    """Step one: two customer numbers (GET) show both records side by side, masked; step two: the
    reason (POST) merges them."""
    data = request.POST if request.method == "POST" else request.GET
    form = CustomerMergeForm(data or None)
    pair = None
    if form.is_bound and form.is_valid() and len(form.customers) == 2:
        keep, merge = form.customers["keep"], form.customers["merge"]
        if request.method == "POST":
            if not form.cleaned_data["reason"].strip():
                form.add_error("reason", _("통합 사유를 입력해 주세요."))
            else:
                try:
                    moved = customers_merge(
                        keep=keep,
                        merge=merge,
                        reason=form.cleaned_data["reason"],
                        by=request.user,
                        ip=client_ip(request),
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(
                        request,
                        _("손님 기록을 통합했습니다 (상담 %(n)d건, 예약 %(b)d건, 문의 %(i)d건을 옮김).")
                        % {"n": moved["consultation"], "b": moved["booking"], "i": moved["inquiry"]},
                    )
                    return redirect("staff:customer_detail", pk=keep.pk)
        pair = [
            {"role": label, "customer": customer, "counts": customer_record_counts(customer=customer)}
            for label, customer in ((_("남길 기록"), keep), (_("통합할 기록"), merge))
        ]
    return render(request, "desk/customer_merge.html", {"form": form, "pair": pair})


def _parse_before(value: str | None) -> dt.datetime | None:
    return param_datetime(value, naive="refuse")  # the page's own cursors carry their offset


REVEAL_SESSION_KEY = "customer_reveal"
REVEAL_SECONDS = 300  # one conversation's worth; after it the page is masked again


def _revealed(request: AuthenticatedRequest, pk: int) -> bool:
    until = request.session.get(REVEAL_SESSION_KEY, {}).get(str(pk), 0)
    return bool(until > timezone.now().timestamp())


@staff_required
@require_POST
def customer_reveal_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """전체 보기: the customer's full details for a few minutes, on a stated reason that is audited."""
    customer = customer_get_for_user(user=request.user, pk=pk)
    form = RevealReason(request.POST)
    if not form.is_valid():
        messages.error(request, _("전체 보기 사유를 고르고 설명을 2자 이상 입력해 주세요."))
        return redirect("staff:customer_detail", pk=customer.pk)
    audit_record(
        request=request,
        action=AuditEntry.Action.VIEW,
        customer=customer,
        target="customer full details",
        detail={"reason": form.cleaned_data["reason"], "reason_text": form.cleaned_data["reason_text"]},
    )
    now = timezone.now().timestamp()
    grants = {k: v for k, v in request.session.get(REVEAL_SESSION_KEY, {}).items() if v > now}
    grants[str(customer.pk)] = now + REVEAL_SECONDS
    request.session[REVEAL_SESSION_KEY] = grants
    return redirect("staff:customer_detail", pk=customer.pk)


@staff_required
def customer_detail_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    customer = customer_get_for_user(user=request.user, pk=pk)
    if customer.pk != pk:  # a merged record's old address
        return redirect("staff:customer_detail", pk=customer.pk)
    kinds = {k for k in request.GET.getlist("type") if k in KINDS}
    channel = param_text(request.GET.get("channel", ""), max_length=20) or ""
    timeline = customer_timeline(
        customer=customer,
        kinds=kinds or None,
        channel_code=channel,
        before=_parse_before(request.GET.get("before")),
        internal_notes=True,
        viewer=request.user,
    )
    revealed = _revealed(request, customer.pk)
    detail: dict[str, object] = {"filters": request.GET.dict()} if request.GET else {}
    if revealed:
        detail["full_details"] = True
    audit_record(
        request=request,
        action=AuditEntry.Action.VIEW,
        customer=customer,
        target="customer page",
        detail=detail,
    )
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "desk/customer_detail.html",
        {
            "customer": customer,
            "profile": customer.customer_profile,
            "timeline": timeline,
            "kinds": KINDS,
            "selected_kinds": kinds,
            "channels": Channel.objects.active(),
            "selected_channel": channel,
            "is_favourite": is_favourite(staff=request.user, customer=customer),
            "open_bookings": (
                booking_list_for_customer(customer=customer).filter(status=Booking.Status.BOOKED)
                if "booking" in timeline.present
                else []
            ),
            "query": query.urlencode(),
            "revealed": revealed,
            "reveal_form": RevealReason(),
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
