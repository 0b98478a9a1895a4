"""Chart.js data as django-chartjs JSON views (labels + datasets), from the analytics selectors."""

from __future__ import annotations

from typing import Any

from chartjs.views.lines import BaseLineChartView
from django.http import HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext

from consultations.counts import my_charts
from consultations.forms import MyHistoryFilterForm
from customers.roles import customer_required

# Colours of series that are not channels (channels take their badge colour, --oh-channel-<code>).
PALETTE = ["#008485", "#1565c0", "#6a1b9a", "#ef6c00", "#2e7d32", "#c62828", "#607d8b", "#f5b301"]


@method_decorator(customer_required, name="dispatch")
class MyConsultationsChart(BaseLineChartView):
    """One series of the signed-in customer's own counts; `kind` (set per URL) says which: category,
    channel or month. Only labels, datasets, channel codes and partial rows go out."""

    kind = ""

    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        filters = MyHistoryFilterForm(request.GET or None).filters(customer=request.user)
        self.chart = my_charts(filters, self.kind)[self.kind]
        return JsonResponse(
            {
                "labels": self.get_labels(),
                "datasets": self.get_datasets(),
                "channels": self.chart.channels,
                "partial": self.chart.partial,
            }
        )

    def get_labels(self) -> list[str]:
        return [label for label, _n in self.chart.rows]

    def get_data(self) -> list[list[int]]:
        return [[n for _label, n in self.chart.rows]]

    def get_providers(self) -> list[str]:
        return [gettext("상담 수")]

    def get_dataset_options(self, index: int, color: tuple[int, int, int]) -> dict[str, Any]:
        if self.kind == "month":
            return {"backgroundColor": PALETTE[0], "borderColor": PALETTE[0]}
        colours = [PALETTE[i % len(PALETTE)] for i in range(len(self.chart.rows))]
        return {"backgroundColor": colours, "borderColor": "#fff"}
