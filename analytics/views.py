"""/staff/analytics/: the page, the Chart.js JSON (django-chartjs views) and the CSV of every table."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from chartjs.views.lines import BaseLineChartView
from django import forms
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import Branch
from consultations.counts import GRANULARITIES, Period
from consultations.export import neutralise
from core.forms import style_fields
from core.params import BoundedDateField
from core.replica import heavy_read_view
from core.widgets import LongSelect
from customers.models import User
from customers.roles import AuthenticatedRequest, staff_required

from .charts import PALETTE
from .tables import BUILDERS, Scope, Table, build_table, scope_for, tables_for

MAX_BUCKETS = 400
# More points than this and a chart turns into spikes (a year by day is ~365): the next coarser unit is
# used instead, and the page says so.
MAX_POINTS = 92
GRANULARITY_LABELS = {
    "day": gettext_lazy("일"),
    "week": gettext_lazy("주"),
    "month": gettext_lazy("월"),
    "quarter": gettext_lazy("분기"),
    "year": gettext_lazy("년"),
}


class AnalyticsForm(forms.Form):
    date_from = BoundedDateField(
        label=gettext_lazy("시작일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = BoundedDateField(
        label=gettext_lazy("종료일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    granularity = forms.ChoiceField(
        label=gettext_lazy("단위"), required=False, choices=list(GRANULARITY_LABELS.items())
    )
    branch = forms.ModelChoiceField(
        label=gettext_lazy("지점"),
        required=False,
        empty_label=gettext_lazy("전체"),
        queryset=Branch.objects.only("id", "code", "name"),  # a bank has hundreds
        widget=LongSelect,
    )
    staff = forms.ModelChoiceField(
        label=gettext_lazy("직원"),
        required=False,
        empty_label=gettext_lazy("전체"),
        queryset=User.objects.filter(role__in=User.STAFF_ROLES).order_by("name"),
        widget=LongSelect,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not user.is_manager:
            del self.fields["branch"], self.fields["staff"]
        style_fields(self, small=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        last = data.get("date_to") or today
        first = data.get("date_from") or last - dt.timedelta(days=29)
        granularity = data.get("granularity") or "day"
        if first > last:
            raise forms.ValidationError(_("시작일이 종료일보다 늦습니다."))
        if granularity not in GRANULARITIES:
            granularity = "day"
        period = Period(first, last, granularity)
        asked = granularity
        while len(period.buckets()) > MAX_POINTS and granularity != GRANULARITIES[-1]:
            granularity = GRANULARITIES[GRANULARITIES.index(granularity) + 1]
            period = Period(first, last, granularity)
        if granularity != asked:
            data["coarsened"] = _("기간이 길어 %(asked)s 단위 대신 %(used)s 단위로 보여 드립니다.") % {
                "asked": GRANULARITY_LABELS[asked],
                "used": GRANULARITY_LABELS[granularity],
            }
        if len(period.buckets()) > MAX_BUCKETS:
            raise forms.ValidationError(_("기간이 너무 깁니다. 주·월 단위로 바꾸거나 기간을 줄여 주세요."))
        data["period"] = period
        return data


def _scope(request: AuthenticatedRequest) -> tuple[AnalyticsForm, Scope | None]:
    """The form as shown (defaults filled in: the last 30 days by day) and the scope, or None if invalid."""
    today = timezone.localdate()
    data = {
        "date_from": (today - dt.timedelta(days=29)).isoformat(),
        "date_to": today.isoformat(),
        "granularity": "day",
        **request.GET.dict(),
    }
    form = AnalyticsForm(data, user=request.user)
    if not form.is_valid():
        return form, None
    cleaned = form.cleaned_data
    return form, scope_for(
        request.user,
        period=cleaned["period"],
        staff=cleaned.get("staff"),
        branch_id=cleaned["branch"].pk if cleaned.get("branch") else None,
    )


def _allowed(request: AuthenticatedRequest, name: str) -> None:
    if name not in BUILDERS:
        raise Http404
    if name not in tables_for(request.user):
        raise Http404  # a manager-only table is not there for staff


@staff_required
@heavy_read_view
def analytics_view(request: AuthenticatedRequest) -> HttpResponse:
    form, scope = _scope(request)
    tables = [build_table(name, scope) for name in tables_for(request.user)] if scope else []
    query = request.GET.urlencode()
    context = {
        "form": form,
        "scope": scope,
        "tables": tables,
        "query": query,
        "granularities": GRANULARITY_LABELS.items(),
        "current_granularity": scope.period.granularity if scope else "day",
        "coarsened": form.cleaned_data.get("coarsened", "") if scope else "",
        "total": sum(row[-1] for row in tables[0].rows) if tables else 0,
    }
    return render(request, "analytics/analytics.html", context)


@method_decorator(staff_required, name="dispatch")
@method_decorator(heavy_read_view, name="dispatch")
class AnalyticsChartView(BaseLineChartView):
    """Chart.js `data` (labels + datasets) for one table, plus `links` for drill-down per label."""

    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        name = kwargs["name"]
        _allowed(request, name)
        form, scope = _scope(request)
        if scope is None:
            return JsonResponse({"errors": form.errors.get("__all__", [])}, status=400)
        self.table: Table = build_table(name, scope)
        data = {
            "labels": self.get_labels(),
            "datasets": self.get_datasets(),
            "links": self.table.links,
            # rows whose bucket is cut or still running: drawn dashed / lighter, not as a cliff
            "partial": sorted(self.table.partial),
            # channel codes: the page colours these series or bars with the channel's badge colour
            "channels": self.table.channels,
            "horizontal": self.table.horizontal,
        }
        return JsonResponse(data)

    def get_labels(self) -> list[str]:
        return [str(row[0]) for row in self.table.rows]

    def get_providers(self) -> list[str]:
        return [self.table.columns[i] for i in self.table.series]

    def get_data(self) -> list[list[Any]]:
        return [[row[i] for row in self.table.rows] for i in self.table.series]

    def get_dataset_options(self, index: int, color: tuple[int, int, int]) -> dict[str, Any]:
        if self.table.chart == "doughnut":
            return {"backgroundColor": [PALETTE[i % len(PALETTE)] for i in range(len(self.table.rows))]}
        if self.table.chart == "bar" and len(self.table.series) == 1:
            # one colour: a colour per bar would read as a channel (channels own their colours)
            return {"backgroundColor": PALETTE[0], "borderColor": PALETTE[0]}
        colour = PALETTE[index % len(PALETTE)]
        options: dict[str, Any] = {"backgroundColor": colour, "borderColor": colour}
        if self.table.chart == "line":
            # counts: straight segments that never overshoot below zero or above a point
            options.update({"fill": False, "tension": 0, "pointRadius": 2})
        return options


@staff_required
@heavy_read_view
def analytics_csv_view(request: AuthenticatedRequest, name: str) -> HttpResponse:
    _allowed(request, name)
    form, scope = _scope(request)
    if scope is None:
        return HttpResponse(
            " ".join(str(e) for e in form.errors.get("__all__", [])),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    table = build_table(name, scope)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    period = scope.period
    filename = f"omnihana-{name}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel opens UTF-8 Korean correctly with a BOM
    writer = csv.writer(response)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([neutralise(v) if isinstance(v, str) else v for v in row])
    return response
