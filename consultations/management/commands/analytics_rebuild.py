from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from consultations import day_counts


class Command(BaseCommand):
    help = "Recounts the per-day consultation counts the analytics read (normally kept by triggers)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            rows = day_counts.rebuild()
        self.stdout.write(self.style.SUCCESS(f"{rows:,} day/staff/channel/category rows"))
