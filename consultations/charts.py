"""Chart.js data as django-chartjs JSON views (labels + datasets), from the analytics selectors."""

from __future__ import annotations

from typing import Any

from chartjs.views.lines import BaseLineChartView
from django.utils.decorators import method_decorator

from customers.roles import customer_required

from .analytics import counts_by_category, counts_by_channel, counts_by_month
from .selectors import consultation_list_for_customer

PALETTE = ["#008485", "#1565c0", "#6a1b9a", "#ef6c00", "#2e7d32", "#c62828", "#607d8b", "#f5b301"]


class _CountsChart(BaseLineChartView):
    """One series of counts; subclasses say which counts. No view object leaks into the JSON."""

    series_label = ""

    def counts(self) -> list[tuple[str, int]]:
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self._counts = self.counts()
        return {"labels": self.get_labels(), "datasets": self.get_datasets()}

    def get_labels(self) -> list[str]:
        return [label for label, _ in self._counts]

    def get_data(self) -> list[list[int]]:
        return [[n for _, n in self._counts]]

    def get_providers(self) -> list[str]:
        return [self.series_label]

    def get_dataset_options(self, index: int, color: tuple[int, int, int]) -> dict[str, Any]:
        colours = [PALETTE[i % len(PALETTE)] for i in range(len(self._counts))]
        return {"backgroundColor": colours, "borderColor": PALETTE[0], "tension": 0.25}


@method_decorator(customer_required, name="dispatch")
class MyCategoryChart(_CountsChart):
    series_label = "상담 수"

    def counts(self) -> list[tuple[str, int]]:
        return counts_by_category(consultation_list_for_customer(customer=self.request.user).order_by())


@method_decorator(customer_required, name="dispatch")
class MyChannelChart(_CountsChart):
    series_label = "상담 수"

    def counts(self) -> list[tuple[str, int]]:
        return counts_by_channel(consultation_list_for_customer(customer=self.request.user).order_by())


@method_decorator(customer_required, name="dispatch")
class MyMonthChart(_CountsChart):
    series_label = "상담 수"

    def counts(self) -> list[tuple[str, int]]:
        return counts_by_month(consultation_list_for_customer(customer=self.request.user).order_by())

    def get_dataset_options(self, index: int, color: tuple[int, int, int]) -> dict[str, Any]:
        return {
            "backgroundColor": "rgba(0, 132, 133, .15)",
            "borderColor": PALETTE[0],
            "fill": True,
            "tension": 0.25,
        }
