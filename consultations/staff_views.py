"""Staff pages of consultations: search and export, notes, booking on a customer's behalf."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AuditEntry
from audit.services import audit_record
from core.params import param_date, param_id
from core.replica import heavy_read_view, heavy_stream
from core.request import client_ip
from customers.access import customer_get_for_user
from customers.models import User
from customers.roles import AuthenticatedRequest, manager_required, staff_required

from .access import (
    booking_get_for_outcome,
    booking_get_for_user,
    booking_outcome_allowed,
    consultation_edit_allowed,
    consultation_get_for_edit,
    consultation_get_for_user,
)
from .callbacks import callback_get_for_user
from .export import csv_stream, xlsx_file
from .export_jobs import (
    export_dir,
    export_job_for_download,
    export_job_get_for_user,
    export_job_start,
    export_link_token,
)
from .forms import (
    BookingOutcomeForm,
    ConsultationForm,
    ConsultationNoteForm,
    ConsultationSearchForm,
    StaffBookingForm,
    StaffCancelForm,
)
from .links import RECORD_LINKS, links_shown
from .models import Booking, Channel, Consultation, ExportJob
from .reschedule import reschedule_page
from .search import consultation_export_rows, consultation_page, consultation_search
from .selectors import mark_follow_ups_booked
from .services import (
    booking_cancel,
    booking_create,
    booking_mark_no_show,
    consultation_note_add,
    consultation_record,
    consultation_update,
    follow_up_category,
    follow_up_exists_in,
)
from .slots import picker_days


@staff_required
@heavy_read_view
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
        mark_follow_ups_booked(rows)
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
            "keyword": form.cleaned_data.get("keyword", "") if form.is_valid() else "",
        },
    )


@staff_required
@heavy_read_view
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
    total = consultation_search(filters).count()
    limit = settings.EXPORT_MAX_ROWS
    if total > limit:
        if not request.user.is_manager:
            messages.error(
                request,
                _(
                    "한 번에 내려받을 수 있는 상담은 최대 %(limit)s건입니다 (조건에 맞는 상담 %(total)s건). "
                    "기간이나 조건을 좁혀 주세요. 더 많은 건수는 관리자에게 요청해 주세요."
                )
                % {"limit": f"{limit:,}", "total": f"{total:,}"},
            )
            return redirect(f"{reverse('staff:consultations')}?{request.GET.urlencode()}")
        job = export_job_start(user=request.user, fmt=fmt, params=request.GET.dict(), total=total)
        return redirect("staff:export_job", pk=job.pk)
    audit_record(
        request=request,
        action=AuditEntry.Action.EXPORT,
        target=f"consultations.{fmt}",
        detail={"filters": request.GET.dict(), "rows": total},
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
    response = StreamingHttpResponse(heavy_stream(csv_stream(rows)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="consultations-{stamp}.csv"'
    return response


@staff_required
def consultation_create_view(request: AuthenticatedRequest, customer_id: int) -> HttpResponse:
    customer = customer_get_for_user(user=request.user, pk=customer_id)
    booking = None
    booking_id = param_id(request.GET.get("booking") or request.POST.get("booking"))
    if booking_id:
        booking = booking_get_for_outcome(user=request.user, pk=booking_id)  # recording it ends it
    callback = None
    callback_id = param_id(request.GET.get("callback") or request.POST.get("callback"))
    if callback_id:
        callback = callback_get_for_user(user=request.user, pk=callback_id)
        if callback.customer_id != customer.pk:
            raise PermissionDenied
    initial = {}
    if callback is not None:
        initial = {
            "main_category": callback.main_category_id,
            "channel": Channel.objects.filter(code="call").values_list("pk", flat=True).first(),
            "title": callback.topic or f"{callback.main_category.name} 콜백 상담",
        }
    elif booking is not None:
        initial = {
            "main_category": booking.main_category_id,
            "middle_category": booking.middle_category_id,
            "channel": booking.channel_id,
            "title": f"{booking.main_category.name} 추가상담",
        }
    elif request.user.staff_profile:
        initial = {"channel": request.user.staff_profile.channel_id}
    form = ConsultationForm(
        request.POST or None, initial=initial, offer_case=booking is None, customer=customer
    )
    outcome_form = BookingOutcomeForm(request.POST or None) if booking else None
    if request.method == "POST" and form.is_valid() and (outcome_form is None or outcome_form.is_valid()):
        try:
            with transaction.atomic():
                consultation = consultation_record(
                    customer=customer,
                    staff=request.user,
                    data=form.cleaned_data,
                    booking=booking,
                    booking_outcome=outcome_form.cleaned_data["outcome"] if outcome_form else "",
                    callback=callback,
                    actor=request.user,
                    ip=client_ip(request),
                )
                for link in RECORD_LINKS:
                    if form.cleaned_data.get(link.field):
                        link.save(consultation, form.cleaned_data[link.field])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("상담 기록을 저장했습니다."))
            if form.cleaned_data.get("open_case"):
                # The case form lives on a floor above; it is reached by its URL, never imported.
                case_form = reverse("staff:case_create", args=[customer.pk])
                return redirect(f"{case_form}?consultation={consultation.pk}")
            return redirect("staff:customer_detail", pk=customer.pk)
    return render(
        request,
        "consultations/consultation_form.html",
        {
            "form": form,
            "outcome_form": outcome_form,
            "customer": customer,
            "booking": booking,
            "callback": callback,
        },
    )


@staff_required
def consultation_edit_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        consultation = consultation_get_for_edit(user=request.user, pk=pk)
    else:
        consultation = consultation_get_for_user(user=request.user, pk=pk)
    may_edit = consultation_edit_allowed(user=request.user, consultation=consultation)
    # The form edits the object in place; consultation_update compares against a freshly locked row.
    form = ConsultationForm(request.POST or None, instance=consultation)
    if not may_edit:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and form.is_valid():
        consultation_update(
            consultation=consultation, data=form.cleaned_data, by=request.user, ip=client_ip(request)
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
    return _edit_page(request, form, consultation, may_edit=may_edit)


def _edit_page(
    request: AuthenticatedRequest,
    form: ConsultationForm,
    consultation: Consultation,
    *,
    may_edit: bool,
    note_form: ConsultationNoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "consultations/consultation_form.html",
        {
            "form": form,
            "customer": consultation.customer,
            "consultation": consultation,
            "may_edit": may_edit,
            "revisions": consultation.revisions.select_related("edited_by"),
            "added_notes": consultation.added_notes.select_related("author"),
            "links": links_shown(consultation),
            "note_form": note_form or ConsultationNoteForm(),
        },
        status=status,
    )


@staff_required
@require_POST
def consultation_note_add_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Any member of staff who may read a consultation adds a note to it (append-only, audited)."""
    consultation = consultation_get_for_user(user=request.user, pk=pk)
    note_form = ConsultationNoteForm(request.POST)
    if note_form.is_valid():
        try:
            consultation_note_add(
                consultation=consultation,
                author=request.user,
                body=note_form.cleaned_data["body"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            note_form.add_error(None, exc)
        else:
            messages.success(request, _("메모를 덧붙였습니다."))
            return redirect(f"{reverse('staff:consultation_edit', args=[consultation.pk])}#added-notes")
    may_edit = consultation_edit_allowed(user=request.user, consultation=consultation)
    form = ConsultationForm(instance=consultation)
    if not may_edit:
        for field in form.fields.values():
            field.disabled = True
    return _edit_page(request, form, consultation, may_edit=may_edit, note_form=note_form, status=400)


@staff_required
def staff_booking_create_view(request: AuthenticatedRequest, customer_id: int) -> HttpResponse:
    customer = customer_get_for_user(user=request.user, pk=customer_id)
    origin = None
    origin_id = param_id(request.GET.get("origin") or request.POST.get("origin"))
    if origin_id:
        origin = consultation_get_for_user(user=request.user, pk=origin_id)
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
    # Never a past week: a start before today (an old link, a tampered query) shows the current one.
    today = timezone.localdate()
    start = max(param_date(request.GET.get("start") or request.POST.get("start")) or today, today)
    staff = (
        User.objects.filter(role__in=[User.Role.TELLER, User.Role.AGENT])
        .select_related("staff_profile__branch")
        .filter(pk=(param_id(data.get("staff")) or defaults["staff"] or 0))
        .first()
    )
    existing_follow_up = None
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
                middle_category=follow_up_category(
                    origin=origin, main_category=form.cleaned_data["main_category"]
                ),
                origin=origin,
                note=form.cleaned_data["note"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            existing_follow_up = follow_up_exists_in(exc)
        else:
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
            "days": picker_days([staff], start) if staff else [],
            "existing_follow_up": existing_follow_up,
            "channel": Channel.objects.filter(pk=param_id(data.get("channel")) or 0).first(),
            "show_prev": start > today,
            "prev_start": max(start - dt.timedelta(days=7), today),
            "next_start": start + dt.timedelta(days=7),
        },
    )


@staff_required
def booking_detail_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One booking for staff: what it is about, and move, cancel, no-show or record its result."""
    booking = booking_get_for_user(user=request.user, pk=pk)
    if request.method == "GET":
        audit_record(
            request=request,
            action=AuditEntry.Action.VIEW,
            customer=booking.customer,
            target=f"booking {booking.pk}",
        )
    active = booking.status == Booking.Status.BOOKED
    page = reschedule_page(
        request,
        booking,
        template="consultations/staff_booking_detail.html",
        extra={
            "cancel_form": StaffCancelForm(),
            "active": active,
            "may_set_outcome": booking_outcome_allowed(user=request.user, booking=booking),
            "started": booking.starts_at <= timezone.now(),
        },
    )
    if page is not None:
        return page
    messages.success(request, _("예약을 변경했습니다. 손님께 변경 문자를 보냅니다."))
    return redirect("staff:booking_detail", pk=booking.pk)


@staff_required
@require_POST
def booking_cancel_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = booking_get_for_user(user=request.user, pk=pk)
    form = StaffCancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("취소 사유를 선택해 주세요."))
        return redirect("staff:booking_detail", pk=booking.pk)
    try:
        booking_cancel(
            booking=booking,
            by=request.user,
            reason=form.cleaned_data["reason"],
            reason_note=form.cleaned_data["note"],
            ip=client_ip(request),
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("예약을 취소했습니다. 손님께 취소 문자를 보냅니다."))
    return redirect("staff:booking_detail", pk=booking.pk)


@staff_required
@require_POST
def booking_no_show_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = booking_get_for_outcome(user=request.user, pk=pk)
    try:
        booking_mark_no_show(booking=booking, by=request.user, ip=client_ip(request))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("노쇼로 처리했습니다."))
    return redirect("staff:booking_detail", pk=booking.pk)


@manager_required
def export_job_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A background export's progress; the download link once it is done."""
    job = export_job_get_for_user(user=request.user, pk=pk)
    token = export_link_token(job) if job.status == ExportJob.Status.DONE else ""
    return render(
        request,
        "consultations/export_job.html",
        {
            "job": job,
            "token": token,
            "link_hours": settings.EXPORT_LINK_HOURS,
            "limit": settings.EXPORT_MAX_ROWS,
        },
    )


@manager_required
def export_download_view(request: AuthenticatedRequest, token: str) -> HttpResponseBase:
    job = export_job_for_download(user=request.user, token=token)
    audit_record(
        request=request,
        action=AuditEntry.Action.EXPORT,
        target=f"consultations.{job.fmt} download job:{job.pk}",
        detail={"rows": job.done},
    )
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
    return FileResponse(
        (export_dir() / job.file_name).open("rb"),
        as_attachment=True,
        filename=f"consultations-{stamp}.{job.fmt}",
        content_type="text/csv; charset=utf-8"
        if job.fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
