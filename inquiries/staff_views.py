"""The staff side: the queue ordered by first-response deadline, answering, notes, FAQ publishing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AuditEntry
from audit.services import audit_record
from core.uploads import upload_refused
from customers.roles import AuthenticatedRequest, staff_required

from . import services
from .access import faq_get_for_user, inquiry_get_for_user
from .files import too_large_message
from .forms import AssignForm, FaqForm, QueueSearchForm, ReplyForm
from .selectors import QUEUE_VIEWS, inquiry_queue, inquiry_queue_counts, inquiry_thread
from .views import apply_errors

PAGE_SIZE = 20


@staff_required
def queue_view(request: AuthenticatedRequest) -> HttpResponse:
    view = request.GET.get("view", "waiting")
    if view not in QUEUE_VIEWS:
        view = "waiting"
    form = QueueSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(inquiry_queue(view=view, user=request.user, q=q), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "view": view,
        "form": form,
        "query": query.urlencode(),
        "counts": inquiry_queue_counts(),
        "now": timezone.now(),
    }
    return render(request, "inquiries/staff_queue.html", context)


@staff_required
def detail_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    inquiry = inquiry_get_for_user(user=request.user, pk=pk)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if upload_refused(request):
        form.add_error(None, too_large_message())
    if request.method == "POST" and form.is_valid():
        internal = form.cleaned_data["internal"]
        try:
            services.inquiry_reply(
                inquiry=inquiry,
                author=request.user,
                body=form.cleaned_data["body"],
                internal=internal,
                files=form.cleaned_data["files"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("내부 메모를 남겼습니다.")
                if internal
                else _("답변을 등록했고 손님에게 문자를 보냈습니다."),
            )
            return redirect("staff:inquiry_detail", pk=inquiry.pk)
    if request.method == "GET":
        audit_record(
            request=request, action=AuditEntry.Action.VIEW, customer=inquiry.customer, target=f"inquiry:{pk}"
        )
    context = {
        "inquiry": inquiry,
        "thread": inquiry_thread(inquiry=inquiry, include_internal=True),
        "files": inquiry.attachments.filter(reply__isnull=True, is_inline=False),
        "form": form,
        "assign_form": AssignForm(initial={"assignee": inquiry.assignee_id}),
        "now": timezone.now(),
    }
    return render(request, "inquiries/staff_detail.html", context)


@staff_required
@require_POST
def assign_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    inquiry = inquiry_get_for_user(user=request.user, pk=pk)
    if "claim" in request.POST:
        assignee = request.user
    else:
        form = AssignForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("담당자를 다시 고르세요."))
            return redirect("staff:inquiry_detail", pk=pk)
        assignee = form.cleaned_data["assignee"]
    try:
        services.inquiry_assign(inquiry=inquiry, assignee=assignee, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("담당자를 %(name)s(으)로 정했습니다.") % {"name": assignee.name}
            if assignee
            else _("담당자를 비웠습니다."),
        )
    if request.POST.get("next") == "queue":
        return redirect("staff:inquiries")
    return redirect("staff:inquiry_detail", pk=pk)


@staff_required
def faq_publish_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    inquiry = inquiry_get_for_user(user=request.user, pk=pk)
    answers = [r for r in inquiry_thread(inquiry=inquiry, include_internal=False) if r.author.is_bank_staff]
    if not answers:
        messages.error(request, _("답변이 등록된 문의만 FAQ로 게시할 수 있습니다."))
        return redirect("staff:inquiry_detail", pk=pk)
    initial = {
        "title": services.anonymise(inquiry.title, names=[inquiry.customer.name]),
        "main_category": inquiry.main_category_id,
        "answer": services.anonymise(answers[-1].body, names=[inquiry.customer.name]),
    }
    form = FaqForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            faq = services.faq_publish(
                inquiry=inquiry,
                title=form.cleaned_data["title"],
                answer=form.cleaned_data["answer"],
                main_category=form.cleaned_data["main_category"],
                by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("FAQ에 게시했습니다."))
            return redirect("inquiries:faq_detail", pk=faq.pk)
    return render(request, "inquiries/staff_faq_form.html", {"inquiry": inquiry, "form": form})


@staff_required
@require_POST
def faq_unpublish_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    faq = faq_get_for_user(user=request.user, pk=pk, manage=True)
    services.faq_unpublish(faq=faq, by=request.user)
    messages.success(request, _("FAQ 게시를 내렸습니다."))
    return redirect("inquiries:faq")
