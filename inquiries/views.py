"""The customer side of the inquiry board, the editor's image upload, files, and the public FAQ."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consultations.models import MainCategory
from core.uploads import upload_refused
from customers.models import User
from customers.roles import AuthenticatedRequest, customer_required, role_required

from . import services
from .access import attachment_get_for_user, faq_get_for_user, inquiry_get_for_user
from .files import too_large_message
from .forms import FaqSearchForm, FollowUpForm, InquiryForm
from .selectors import faq_search, inquiry_list_for_customer, inquiry_thread

PAGE_SIZE = 15
signed_in = role_required(User.Role.CUSTOMER, *User.STAFF_ROLES)


def apply_errors(form: Any, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or on the form itself)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@customer_required
def inquiry_list_view(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(inquiry_list_for_customer(customer=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "inquiries/list.html", {"page": page, "query": ""})


@customer_required
def inquiry_new_view(request: AuthenticatedRequest) -> HttpResponse:
    form = InquiryForm(request.POST or None, request.FILES or None)
    if upload_refused(request):  # what arrived before the cut is not the customer's whole post
        form.add_error(None, too_large_message())
    if request.method == "POST" and form.is_valid():
        try:
            inquiry = services.inquiry_create(
                customer=request.user,
                title=form.cleaned_data["title"],
                main_category=form.cleaned_data["main_category"],
                middle_category=form.cleaned_data["middle_category"],
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("문의가 접수되었습니다. 답변이 등록되면 문자로 알려 드립니다."))
            return redirect("inquiries:detail", pk=inquiry.pk)
    return render(request, "inquiries/new.html", {"form": form})


@customer_required
def inquiry_detail_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    inquiry = inquiry_get_for_user(user=request.user, pk=pk)
    form = FollowUpForm(request.POST or None, request.FILES or None)
    if upload_refused(request):
        form.add_error(None, too_large_message())
    if request.method == "POST" and form.is_valid():
        try:
            services.inquiry_follow_up(
                inquiry=inquiry,
                customer=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("추가 문의가 등록되었습니다."))
            return redirect("inquiries:detail", pk=inquiry.pk)
    context = {
        "inquiry": inquiry,
        "thread": inquiry_thread(inquiry=inquiry, include_internal=False),
        "files": inquiry.attachments.filter(reply__isnull=True, is_inline=False),
        "form": form,
    }
    return render(request, "inquiries/detail.html", context)


@signed_in
@require_POST
def upload_view(request: AuthenticatedRequest) -> JsonResponse:
    """The editor's image upload: an image only, stored privately; answers with the URL to insert."""
    if upload_refused(request):
        return JsonResponse({"error": too_large_message()}, status=413)
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"error": _("파일이 없습니다.")}, status=400)
    try:
        attachment = services.attachment_store(upload=upload, user=request.user, inline=True)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse({"url": reverse("inquiries:file", args=[attachment.pk])}, status=201)


def file_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A stored file, to whoever may see it; everyone else gets the same 404 as for a missing one."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attachment = attachment_get_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=not attachment.is_image,
        filename=attachment.original_name,
    )
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    return response


def faq_list_view(request: HttpRequest) -> HttpResponse:
    form = FaqSearchForm(request.GET or None)
    q = main = ""
    if form.is_valid():
        q, main = form.cleaned_data["q"], form.cleaned_data["main"]
    page = Paginator(faq_search(q=q, main_code=main), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "q": q,
        "main": main,
        "mains": MainCategory.objects.active(),
        "query": query.urlencode(),
    }
    return render(request, "inquiries/faq_list.html", context)


def faq_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    faq = faq_get_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]
    seen = request.session.get("faq_seen", [])
    if pk not in seen:  # one view per visitor session, not per reload
        services.faq_count_view(faq=faq)
        faq.view_count += 1
        request.session["faq_seen"] = [*seen[-199:], pk]
    voted = (
        request.user.is_authenticated and faq.helpful_votes.filter(user=request.user).exists()  # type: ignore[misc]
    )
    return render(request, "inquiries/faq_detail.html", {"faq": faq, "voted": voted})


@signed_in
@require_POST
def faq_helpful_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    faq = faq_get_for_user(user=request.user, pk=pk)
    if services.faq_mark_helpful(faq=faq, user=request.user):
        messages.success(request, _("의견 감사합니다."))
    else:
        messages.info(request, _("이미 도움이 됐다고 표시하셨습니다."))
    return redirect("inquiries:faq_detail", pk=faq.pk)
