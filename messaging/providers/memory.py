from __future__ import annotations

import threading

from ..models import Message
from .base import OutgoingSms, SendResult

# Like django.core.mail.outbox: tests read what was "sent" here.
outbox: list[OutgoingSms] = []
_lock = threading.Lock()


class MemoryProvider:
    name = "memory"

    def send(self, sms: OutgoingSms) -> SendResult:
        with _lock:
            outbox.append(sms)
            return SendResult(provider_message_id=f"mem-{len(outbox)}")

    def lookup(self, sms: OutgoingSms, *, since_epoch: float) -> SendResult | None:
        with _lock:
            for index, sent in enumerate(outbox, start=1):
                if sent.message_id == sms.message_id:
                    return SendResult(provider_message_id=f"mem-{index}")
        return None

    @staticmethod
    def status_from_report(provider_status: str) -> Message.Status | None:
        return None  # sends no delivery reports
