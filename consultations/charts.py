"""Chart.js data as django-chartjs JSON views (labels + datasets), from the analytics selectors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chartjs.views.lines import BaseLineChartView
from django.db.models import QuerySet
from django.utils.decorators import method_decorator

from customers.roles import customer_required

from .models import Consultation
from .selectors import consultation_list_for_customer

PALETTE = ["#008485", "#1565c0", "#6a1b9a", "#ef6c00", "#2e7d32", "#c62828", "#607d8b", "#f5b301"]
Counter = Callable[[QuerySet[Consultation]], list[tuple[str, int]]]


@method_decorator(customer_required, name="dispatch")
class MyConsultationsChart(BaseLineChartView):
    """One series of the signed-in customer's own counts; `counter` (set per URL) says which.
    Only labels and datasets go out: no view object leaks into the JSON."""

    counter: Counter | None = None
    line = False  # a filled line (per month) rather than one colour per bar or slice

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        assert self.counter is not None, "pass counter= to as_view()"
        mine = consultation_list_for_customer(customer=self.request.user).order_by()  # type: ignore[arg-type]
        self._counts = self.counter(mine)
        return {"labels": self.get_labels(), "datasets": self.get_datasets()}

    def get_labels(self) -> list[str]:
        return [label for label, _ in self._counts]

    def get_data(self) -> list[list[int]]:
        return [[n for _, n in self._counts]]

    def get_providers(self) -> list[str]:
        return ["상담 수"]

    def get_dataset_options(self, index: int, color: tuple[int, int, int]) -> dict[str, Any]:
        if self.line:
            return {
                "backgroundColor": "rgba(0, 132, 133, .15)",
                "borderColor": PALETTE[0],
                "fill": True,
                "tension": 0.25,
            }
        colours = [PALETTE[i % len(PALETTE)] for i in range(len(self._counts))]
        return {"backgroundColor": colours, "borderColor": PALETTE[0]}
