from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.roles import AuthenticatedRequest, manager_required

from .access import branch_get_for_user
from .forms import BranchForm, BranchSearchForm
from .models import Branch
from .selectors import branch_search, is_open, search_origin

PAGE_SIZE = 12
# A last page this short joins the one before: 13 branches are one page of 13, not 12 + 1.
PAGE_ORPHANS = 4


def branch_list_view(request: HttpRequest) -> HttpResponse:
    form = BranchSearchForm(request.GET or None)
    found: Sequence[Branch] = []
    origin, origin_label, note = None, "", ""
    if form.is_valid() or not request.GET:
        data = form.cleaned_data if request.GET else {}
        origin, origin_label = search_origin(
            near=data.get("near", ""), lat=data.get("lat"), lng=data.get("lng")
        )
        if data.get("near") and origin is None:
            note = _("'%(area)s' 근처의 지점을 찾지 못했습니다. 시·구·동 이름으로 다시 입력해 보세요.") % {
                "area": data["near"]
            }
        found = branch_search(
            q=data.get("q", ""),
            services=data.get("service") or [],
            open_now=bool(data.get("open_now")),
            origin=origin,
        )
    page = Paginator(found, PAGE_SIZE, orphans=PAGE_ORPHANS).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "origin": origin,
        "origin_label": origin_label,
        "note": note,
        "query": query.urlencode(),
        "kakao_key": settings.KAKAO_MAP_JS_KEY,
    }
    return render(request, "branches/list.html", context)


def branch_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    branch = branch_get_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]
    context = {
        "branch": branch,
        "open_now": is_open(branch),
        "now": timezone.localtime(),
        "kakao_key": settings.KAKAO_MAP_JS_KEY,
    }
    return render(request, "branches/detail.html", context)


@manager_required
def staff_branch_list_view(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(Branch.objects.order_by("code"), 30, orphans=PAGE_ORPHANS).get_page(
        request.GET.get("page")
    )
    return render(request, "branches/staff_list.html", {"page": page, "query": ""})


@manager_required
def staff_branch_edit_view(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    branch = branch_get_for_user(user=request.user, pk=pk, manage=True) if pk else None
    form = BranchForm(request.POST or None, instance=branch)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("%(name)s 정보를 저장했습니다.") % {"name": saved.name})
        return redirect("staff:branches")
    return render(request, "branches/staff_form.html", {"form": form, "branch": branch})
