"""Callback pages: the customer asks and cancels; staff work the queue."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.models import Branch
from core.params import param_id
from core.phone import format_korean_mobile
from core.request import client_ip
from customers.roles import AuthenticatedRequest, customer_required, staff_required

from .access import consultation_get_for_user
from .callbacks import (
    callback_cancel,
    callback_claim,
    callback_get_for_user,
    callback_list_for_customer,
    callback_queue,
    callback_request,
    callback_unreachable,
)
from .forms import CallbackRequestForm, CallbackUnreachableForm
from .models import Callback


@customer_required
def me_callbacks_view(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "consultations/me_callbacks.html",
        {"callbacks": callback_list_for_customer(customer=request.user)},
    )


@customer_required
def me_callback_new_view(request: AuthenticatedRequest) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    origin = None
    if consultation_id := param_id(params.get("consultation")):
        origin = consultation_get_for_user(user=request.user, pk=consultation_id)
    branch = None
    if branch_id := param_id(params.get("branch")):
        branch = Branch.objects.filter(pk=branch_id, is_active=True).first()
    initial = {
        "phone": format_korean_mobile(request.user.customer_profile.phone),
        "main_category": origin.main_category_id if origin else None,
        "topic": origin.title if origin else "",
    }
    form = CallbackRequestForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            callback = callback_request(
                customer=request.user,
                phone=data["phone"],
                main_category=data["main_category"],
                topic=data["topic"],
                when=data["when"],
                window_start=data["window_start"],
                window_end=data["window_end"],
                branch=branch,
                origin=origin,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("콜백을 요청했습니다. %(time)s까지 전화드리겠습니다.")
                % {"time": f"{timezone.localtime(callback.due_at):%m/%d %H:%M}"},
            )
            return redirect("me:callbacks")
    return render(
        request,
        "consultations/me_callback_form.html",
        {"form": form, "origin": origin, "branch": branch},
        status=400 if form.errors else 200,
    )


@customer_required
@require_POST
def me_callback_cancel_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    callback = callback_get_for_user(user=request.user, pk=pk)
    try:
        callback_cancel(callback=callback, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("콜백 요청을 취소했습니다."))
    return redirect("me:callbacks")


@staff_required
def staff_callbacks_view(request: AuthenticatedRequest) -> HttpResponse:
    queue = list(callback_queue(user=request.user)[:200])
    return render(
        request,
        "consultations/staff_callbacks.html",
        {
            "callbacks": queue,
            "unreachable_form": CallbackUnreachableForm(),
            "max_attempts": Callback.MAX_ATTEMPTS,
        },
    )


@staff_required
@require_POST
def staff_callback_claim_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    callback = callback_get_for_user(user=request.user, pk=pk)
    try:
        callback_claim(callback=callback, by=request.user, ip=client_ip(request))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request, _("요청을 맡았습니다. %(name)s 손님께 전화해 주세요.") % {"name": callback.customer.name}
        )
    return redirect("staff:callbacks")


@staff_required
@require_POST
def staff_callback_unreachable_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    callback = callback_get_for_user(user=request.user, pk=pk)
    form = CallbackUnreachableForm(request.POST)
    retry_at = form.cleaned_data["retry_at"] if form.is_valid() else None
    try:
        callback = callback_unreachable(
            callback=callback, by=request.user, retry_at=retry_at, ip=client_ip(request)
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        if callback.status == Callback.Status.UNREACHABLE:
            messages.success(request, _("세 번 연결되지 않아 요청을 종료하고 손님께 문자를 보냅니다."))
        else:
            messages.success(request, _("다시 걸 시간으로 대기열에 돌려놓았습니다."))
    return redirect("staff:callbacks")
