from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from customers.roles import customer_required, staff_required
from inquiries.selectors import inquiry_queue_counts

from .selectors import booking_list_for_staff_on, consultation_list_for_customer


@customer_required
def me_home_view(request: HttpRequest) -> HttpResponse:
    consultations = consultation_list_for_customer(customer=request.user)  # type: ignore[arg-type]
    page = Paginator(consultations, 20).get_page(request.GET.get("page"))
    return render(request, "consultations/me_home.html", {"page": page})


@staff_required
def staff_today_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    bookings = booking_list_for_staff_on(staff=request.user, day=today)  # type: ignore[arg-type]
    return render(
        request,
        "consultations/staff_today.html",
        {"today": today, "bookings": bookings, "queue": inquiry_queue_counts()},
    )
