from __future__ import annotations

import itertools
import sys

from ..models import Message
from .base import OutgoingSms, SendResult

_ids = itertools.count(1)


class ConsoleProvider:
    """For a local run: prints each message; nothing leaves the machine."""

    name = "console"

    def send(self, sms: OutgoingSms) -> SendResult:
        sid = f"console-{sms.message_id}-{next(_ids)}"
        print(f"[SMS {sms.kind.upper()} → {sms.to}] {sms.body}", file=sys.stdout, flush=True)
        return SendResult(provider_message_id=sid)

    def lookup(self, sms: OutgoingSms, *, since_epoch: float) -> SendResult | None:
        return None  # a console message is never ambiguous

    @staticmethod
    def status_from_report(provider_status: str) -> Message.Status | None:
        return None  # sends no delivery reports
