from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.dates import day_end, day_start
from core.forms import style_fields
from core.params import BoundedDateField
from customers.roles import AuthenticatedRequest, manager_required

from .models import AuditEntry


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("직원 아이디"), required=False, max_length=30)
    customer = forms.CharField(label=_("손님 아이디"), required=False, max_length=30)
    action = forms.ChoiceField(
        label=_("행위"), required=False, choices=[("", _("전체")), *AuditEntry.Action.choices]
    )
    date_from = BoundedDateField(
        label=_("시작일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = BoundedDateField(
        label=_("종료일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self, small=True)


@manager_required
def audit_list_view(request: AuthenticatedRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.select_related("actor", "customer", "api_client")
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            entries = entries.filter(actor__username=data["actor"].strip())
        if data["customer"]:
            entries = entries.filter(customer__username=data["customer"].strip())
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["date_from"]:
            entries = entries.filter(at__gte=day_start(data["date_from"]))
        if data["date_to"]:
            entries = entries.filter(at__lt=day_end(data["date_to"]))
    page = Paginator(entries.order_by("-at", "-id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/audit_list.html", {"form": form, "page": page, "query": query.urlencode()})
