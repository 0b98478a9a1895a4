from __future__ import annotations

from celery import shared_task

from .sending import campaign_pace


@shared_task(name="campaigns.pace", ignore_result=True)
def campaign_pace_task() -> int:
    return campaign_pace()
