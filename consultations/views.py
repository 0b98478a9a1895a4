from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import AuditEntry
from audit.services import audit_record
from customers.access import customer_get_for_user
from customers.models import User
from customers.roles import AuthenticatedRequest, customer_required, staff_required
from customers.selectors import favourite_customers
from inquiries.selectors import inquiry_queue_counts

from .access import (
    booking_get_for_user,
    calendar_staff_for_user,
    consultation_get_for_user,
    unavailability_get_for_user,
)
from .analytics import counts_by_category, counts_by_channel, counts_by_month
from .business_days import next_business_day
from .export import csv_stream, xlsx_file
from .forms import (
    BookingOutcomeForm,
    ConsultationForm,
    ConsultationSearchForm,
    CustomerBookingForm,
    MyHistoryFilterForm,
    StaffBookingForm,
)
from .ics import booking_ics
from .models import Booking, Channel, Consultation
from .search import consultation_export_rows, consultation_page, consultation_search
from .selectors import (
    booking_list_for_customer,
    booking_list_for_staff_on,
    calendar_events,
    consultation_list_for_customer,
)
from .services import (
    CANCEL_DEADLINE,
    booking_cancel,
    booking_create,
    consultation_record,
    consultation_update,
    unavailability_create,
    unavailability_delete,
    unavailability_move,
)
from .slots import SLOT, booking_candidates, merged_free_slots


@customer_required
def me_home_view(request: AuthenticatedRequest) -> HttpResponse:
    """The customer's integrated history (filterable) with their charts and the same numbers as tables."""
    mine = consultation_list_for_customer(customer=request.user)
    form = MyHistoryFilterForm(request.GET or None)
    shown = (
        consultation_search(form.filters(customer=request.user))
        .select_related("channel", "main_category", "middle_category", "staff__staff_profile__branch")
        .order_by("-occurred_at", "-id")
    )
    page = Paginator(shown, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    plain = mine.order_by()
    return render(
        request,
        "consultations/me_home.html",
        {
            "page": page,
            "form": form,
            "query": query.urlencode(),
            "filtered": bool(request.GET.dict().keys() - {"page"}),
            "by_category": counts_by_category(plain),
            "by_channel": counts_by_channel(plain),
            "by_month": counts_by_month(plain),
        },
    )


@customer_required
def me_consultation_detail_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    consultation = consultation_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "consultations/me_consultation_detail.html",
        {
            "c": consultation,
            "follow_ups": consultation.follow_ups.select_related("channel", "staff", "branch").order_by(
                "-starts_at"
            ),
        },
    )


@staff_required
def staff_today_view(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    bookings = booking_list_for_staff_on(staff=request.user, day=today)
    return render(
        request,
        "consultations/staff_today.html",
        {
            "today": today,
            "bookings": bookings,
            "queue": inquiry_queue_counts(),
            "favourites": favourite_customers(staff=request.user)[:10],
        },
    )


# --- consultation search --------------------------------------------------------------------------
@staff_required
def consultation_search_view(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    # Without a query: the last three months, newest first.
    params = request.GET or {
        "date_from": (today - dt.timedelta(days=90)).isoformat(),
        "date_to": today.isoformat(),
    }
    form = ConsultationSearchForm(params)
    rows: list[Consultation] = []
    next_cursor: str | None = None
    if form.is_valid():
        rows, next_cursor = consultation_page(form.filters(), cursor=request.GET.get("after", ""))
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "consultations/consultation_search.html",
        {
            "form": form,
            "rows": rows,
            "next_cursor": next_cursor,
            "query": query.urlencode(),
            "is_first_page": not request.GET.get("after"),
        },
    )


@staff_required
def consultation_export_view(request: AuthenticatedRequest, fmt: str) -> HttpResponseBase:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = ConsultationSearchForm(request.GET)
    if not form.is_valid():
        messages.error(
            request, " ".join(str(e) for e in form.non_field_errors()) or _("검색 조건을 확인해 주세요.")
        )
        return redirect("staff:consultations")
    filters = form.filters()
    audit_record(
        request=request,
        action=AuditEntry.Action.EXPORT,
        target=f"consultations.{fmt}",
        detail={"filters": request.GET.dict()},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    rows = consultation_export_rows(filters)
    if fmt == "xlsx":
        return FileResponse(
            xlsx_file(rows),
            as_attachment=True,
            filename=f"consultations-{stamp}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = StreamingHttpResponse(csv_stream(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="consultations-{stamp}.csv"'
    return response


# --- notes ------------------------------------------------------------------------------------
@staff_required
def consultation_create_view(request: AuthenticatedRequest, customer_id: int) -> HttpResponse:
    customer = customer_get_for_user(user=request.user, pk=customer_id)
    booking = None
    if request.GET.get("booking") or request.POST.get("booking"):
        booking = booking_get_for_user(
            user=request.user, pk=int(request.GET.get("booking") or request.POST["booking"])
        )
    initial = {}
    if booking is not None:
        initial = {
            "main_category": booking.main_category_id,
            "middle_category": booking.middle_category_id,
            "channel": booking.channel_id,
            "title": f"{booking.main_category.name} 추가상담",
        }
    elif request.user.staff_profile:
        initial = {"channel": request.user.staff_profile.channel_id}
    form = ConsultationForm(request.POST or None, initial=initial)
    outcome_form = BookingOutcomeForm(request.POST or None) if booking else None
    if request.method == "POST" and form.is_valid() and (outcome_form is None or outcome_form.is_valid()):
        try:
            consultation = consultation_record(
                customer=customer,
                staff=request.user,
                data=form.cleaned_data,
                booking=booking,
                booking_outcome=outcome_form.cleaned_data["outcome"] if outcome_form else "",
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            audit_record(
                request=request,
                action=AuditEntry.Action.CREATE,
                customer=customer,
                target=f"consultation {consultation.pk}",
            )
            messages.success(request, _("상담 기록을 저장했습니다."))
            return redirect("staff:customer_detail", pk=customer.pk)
    return render(
        request,
        "consultations/consultation_form.html",
        {
            "form": form,
            "outcome_form": outcome_form,
            "customer": customer,
            "booking": booking,
        },
    )


@staff_required
def consultation_edit_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    consultation = consultation_get_for_user(user=request.user, pk=pk)
    # The form edits the object in place; consultation_update compares against a freshly locked row.
    form = ConsultationForm(request.POST or None, instance=consultation)
    if request.method == "POST" and form.is_valid():
        consultation_update(consultation=consultation, data=form.cleaned_data, by=request.user)
        audit_record(
            request=request,
            action=AuditEntry.Action.UPDATE,
            customer=consultation.customer,
            target=f"consultation {consultation.pk}",
        )
        messages.success(request, _("상담 기록을 수정했습니다."))
        return redirect("staff:customer_detail", pk=consultation.customer_id)
    if request.method == "GET":
        audit_record(
            request=request,
            action=AuditEntry.Action.VIEW,
            customer=consultation.customer,
            target=f"consultation {consultation.pk}",
        )
    return render(
        request,
        "consultations/consultation_form.html",
        {
            "form": form,
            "customer": consultation.customer,
            "consultation": consultation,
            "revisions": consultation.revisions.select_related("edited_by"),
        },
    )


# --- booking on the customer's behalf -------------------------------------------------------------
def _picker_days(staff: list[User], start: dt.date, count: int = 5) -> list[tuple[dt.date, list]]:
    """The next `count` banking days from `start`, each with the free slots of any of `staff`."""
    span = merged_free_slots(staff=staff, start_day=next_business_day(start), days=count + 9)
    return [(day, slots) for day, slots in span.items() if next_business_day(day) == day][:count]


@staff_required
def staff_booking_create_view(request: AuthenticatedRequest, customer_id: int) -> HttpResponse:
    customer = customer_get_for_user(user=request.user, pk=customer_id)
    origin = None
    origin_id = request.GET.get("origin") or request.POST.get("origin")
    if origin_id and origin_id.isdigit():
        origin = consultation_get_for_user(user=request.user, pk=int(origin_id))
        if origin.customer_id != customer.pk:
            raise PermissionDenied
    defaults = {
        "staff": (origin.staff_id if origin and origin.staff.role != User.Role.MANAGER else None)
        or (request.user.pk if request.user.role != User.Role.MANAGER else None),
        "channel": Channel.objects.filter(code="branch").values_list("pk", flat=True).first(),
        "main_category": origin.main_category_id if origin else None,
    }
    data = request.POST if request.method == "POST" else {**defaults, **request.GET.dict(), "slot": None}
    form = StaffBookingForm(data if (request.method == "POST" or request.GET) else None, initial=defaults)
    start = parse_date(request.GET.get("start", "") or request.POST.get("start", "")) or timezone.localdate()
    staff = (
        User.objects.filter(role__in=[User.Role.TELLER, User.Role.AGENT])
        .select_related("staff_profile__branch")
        .filter(pk=(data.get("staff") or defaults["staff"] or 0))
        .first()
    )
    if request.method == "POST" and form.is_valid() and form.cleaned_data["slot"]:
        slot = form.cleaned_data["slot"]
        try:
            booking = booking_create(
                customer=customer,
                staff=form.cleaned_data["staff"],
                channel=form.cleaned_data["channel"],
                starts_at=slot,
                ends_at=slot + dt.timedelta(minutes=30),
                main_category=form.cleaned_data["main_category"],
                middle_category=origin.middle_category if origin else None,
                origin=origin,
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            audit_record(
                request=request,
                action=AuditEntry.Action.CREATE,
                customer=customer,
                target=f"booking {booking.pk}",
            )
            messages.success(
                request,
                _("%(time)s 추가상담을 예약했습니다. 손님께 확인 문자를 보냅니다.")
                % {"time": timezone.localtime(booking.starts_at).strftime("%m/%d %H:%M")},
            )
            return redirect("staff:customer_detail", pk=customer.pk)
    return render(
        request,
        "consultations/staff_booking_form.html",
        {
            "form": form,
            "customer": customer,
            "origin": origin,
            "staff": staff,
            "start": start,
            "days": _picker_days([staff], start) if staff else [],
            "prev_start": start - dt.timedelta(days=7),
            "next_start": start + dt.timedelta(days=7),
        },
    )


# --- calendar -----------------------------------------------------------------------------------
@staff_required
def calendar_view(request: AuthenticatedRequest) -> HttpResponse:
    user: User = request.user
    staff_id = request.GET.get("staff")
    staff = calendar_staff_for_user(
        user=user, staff_id=int(staff_id) if staff_id and staff_id.isdigit() else None
    )
    choices = []
    if user.is_manager:
        choices = list(
            User.objects.filter(role__in=[User.Role.TELLER, User.Role.AGENT], is_active=True)
            .select_related("staff_profile__branch")
            .order_by("staff_profile__branch__code", "name")
        )
    return render(
        request,
        "consultations/calendar.html",
        {
            "calendar_staff": staff,
            "staff_choices": choices,
            "first_day": next_business_day(timezone.localdate()),
        },
    )


def _moment(value: str) -> dt.datetime | None:
    moment = parse_datetime(value or "")
    if moment is None:
        return None
    return moment if moment.tzinfo else timezone.make_aware(moment)


@staff_required
def calendar_events_view(request: AuthenticatedRequest) -> JsonResponse:
    staff_id = request.GET.get("staff")
    staff = calendar_staff_for_user(
        user=request.user, staff_id=int(staff_id) if staff_id and staff_id.isdigit() else None
    )
    start, end = _moment(request.GET.get("start", "")), _moment(request.GET.get("end", ""))
    if start is None or end is None or end <= start or end - start > dt.timedelta(days=62):
        return JsonResponse({"error": _("기간이 올바르지 않습니다.")}, status=400)
    return JsonResponse(calendar_events(staff=staff, start=start, end=end, viewer=request.user), safe=False)


def _block_payload(request: HttpRequest) -> tuple[dt.datetime, dt.datetime, str]:
    try:
        body = json.loads(request.body or b"{}")
    except json.JSONDecodeError as exc:
        raise ValidationError(_("요청 형식이 올바르지 않습니다."), code="json") from exc
    start, end = _moment(str(body.get("start", ""))), _moment(str(body.get("end", "")))
    if start is None or end is None:
        raise ValidationError(_("시작과 끝 시간을 알 수 없습니다."), code="time")
    return start, end, str(body.get("reason", ""))


@staff_required
@require_POST
def calendar_block_create_view(request: AuthenticatedRequest) -> JsonResponse:
    staff_id = request.GET.get("staff")
    staff = calendar_staff_for_user(
        user=request.user, staff_id=int(staff_id) if staff_id and staff_id.isdigit() else None
    )
    try:
        start, end, reason = _block_payload(request)
        block = unavailability_create(staff=staff, starts_at=start, ends_at=end, reason=reason)
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0]}, status=400)
    return JsonResponse({"id": block.pk}, status=201)


@staff_required
@require_http_methods(["POST", "DELETE"])
def calendar_block_view(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    block = unavailability_get_for_user(user=request.user, pk=pk)
    if request.method == "DELETE":
        unavailability_delete(block=block)
        return JsonResponse({"deleted": pk})
    try:
        start, end, _reason = _block_payload(request)
        unavailability_move(block=block, starts_at=start, ends_at=end)
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0]}, status=400)
    return JsonResponse({"id": pk})


@staff_required
def booking_detail_redirect_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = booking_get_for_user(user=request.user, pk=pk)
    return redirect("staff:customer_detail", pk=booking.customer_id)


# --- the customer's own bookings ----------------------------------------------------------------
@customer_required
def me_bookings_view(request: AuthenticatedRequest) -> HttpResponse:
    now = timezone.now()
    mine = booking_list_for_customer(customer=request.user)
    upcoming = list(mine.filter(status=Booking.Status.BOOKED, starts_at__gte=now).order_by("starts_at"))
    past = mine.exclude(pk__in=[b.pk for b in upcoming])[:50]
    return render(
        request,
        "consultations/me_bookings.html",
        {
            "upcoming": upcoming,
            "past": past,
            "cancel_deadline": CANCEL_DEADLINE,
            "now": now,
        },
    )


@customer_required
def me_booking_new_view(request: AuthenticatedRequest) -> HttpResponse:
    origin = None
    origin_id = request.GET.get("origin") or request.POST.get("origin")
    if origin_id and origin_id.isdigit():
        origin = consultation_get_for_user(user=request.user, pk=int(origin_id))
    data = request.POST if request.method == "POST" else request.GET
    defaults = {
        "channel": Channel.objects.filter(code="branch").values_list("pk", flat=True).first(),
        "main_category": origin.main_category_id if origin else None,
    }
    form = CustomerBookingForm(data if data.get("channel") else None, initial=defaults)
    channel = (
        Channel.objects.filter(is_bookable=True, is_active=True)
        .filter(pk=data.get("channel") or defaults["channel"])
        .first()
    )
    branch_id = data.get("branch") if str(data.get("branch", "")).isdigit() else None
    candidates = booking_candidates(
        channel_code=channel.code if channel else "",
        origin_staff=origin.staff if origin else None,
        branch_id=int(branch_id) if branch_id else None,
    )
    start = parse_date(data.get("start", "")) or timezone.localdate()
    if request.method == "POST" and form.is_valid() and form.cleaned_data["slot"]:
        staff_id, starts_at = form.cleaned_data["slot"]
        staff = next((s for s in candidates if s.pk == staff_id), None)
        if staff is None:
            form.add_error(None, _("선택한 상담 방법으로는 이 직원과 예약할 수 없습니다. 다시 골라 주세요."))
        else:
            try:
                booking = booking_create(
                    customer=request.user,
                    staff=staff,
                    channel=form.cleaned_data["channel"],
                    starts_at=starts_at,
                    ends_at=starts_at + SLOT,
                    main_category=form.cleaned_data["main_category"],
                    middle_category=origin.middle_category if origin else None,
                    origin=origin,
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except ValidationError as exc:
                if exc.code == "slot_taken":
                    form.add_error(
                        None,
                        _(
                            "아쉽지만 방금 다른 분이 그 시간을 예약했습니다. 새로 고친 시간표에서 다시 골라 주세요."
                        ),
                    )
                else:
                    form.add_error(None, exc)
            else:
                messages.success(request, _("예약했습니다. 확인 문자를 보내 드립니다."))
                return redirect("me:booking_detail", pk=booking.pk)
    days = _picker_days(candidates, start) if candidates else []
    return render(
        request,
        "consultations/me_booking_form.html",
        {
            "form": form,
            "origin": origin,
            "channel": channel,
            "candidates": candidates,
            "days": days,
            "start": start,
            "prev_start": start - dt.timedelta(days=7),
            "next_start": start + dt.timedelta(days=7),
            "needs_branch": channel is not None and channel.code == "branch" and not candidates,
            "branch_id": branch_id or "",
        },
    )


@customer_required
def me_booking_detail_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = booking_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "consultations/me_booking_detail.html",
        {
            "booking": booking,
            "can_cancel": booking.status == Booking.Status.BOOKED
            and booking.starts_at - timezone.now() >= CANCEL_DEADLINE,
        },
    )


@customer_required
@require_POST
def me_booking_cancel_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = booking_get_for_user(user=request.user, pk=pk)
    try:
        booking_cancel(booking=booking, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("예약을 취소했습니다. 취소 문자를 보내 드립니다."))
    return redirect("me:bookings")


@customer_required
def me_booking_ics_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = booking_get_for_user(user=request.user, pk=pk)
    response = HttpResponse(
        booking_ics(booking, host=request.get_host().split(":")[0]),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="omnihana-booking-{booking.pk}.ics"'
    return response
