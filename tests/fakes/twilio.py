"""A local HTTP server that speaks the part of Twilio's Messages API omnihana uses.

Tests and benchmarks point the real `twilio` client at it (TWILIO_API_BASE). It can be told to
fail, to time out (after accepting the message, as a real timeout may), to be slow, or to refuse
numbers for good; it counts what it received, and how many arrived more than once.

    python -m tests.fakes.twilio --port 8099          # serve until killed
    POST /_control {"fail_next": 2, "timeout_next": 1, "delay": 0.05, "permanent_numbers": ["+821000000000"]}
    GET  /_stats   POST /_reset
"""

from __future__ import annotations

import argparse
import email.utils
import json
import secrets
import time
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, urlparse

from .server import FakeState, JsonHandler, LoopbackServer, RunningFake


class FakeTwilioState(FakeState):
    NUMBER_SETS = ("permanent_numbers",)
    permanent_numbers: set[str]


@lru_cache(maxsize=4)
def _rfc2822(second: int) -> str:
    return email.utils.formatdate(second, usegmt=True).replace("GMT", "+0000")


def _message_json(account: str, sid: str, to: str, sender: str, body: str, created: float) -> dict[str, Any]:
    stamp = _rfc2822(int(created))
    return {
        "sid": sid,
        "account_sid": account,
        "to": to,
        "from": sender,
        "body": body,
        "status": "queued",
        "direction": "outbound-api",
        "api_version": "2010-04-01",
        "num_segments": "1",
        "num_media": "0",
        "date_created": stamp,
        "date_updated": stamp,
        "date_sent": stamp,
        "price": None,
        "price_unit": "USD",
        "error_code": None,
        "error_message": None,
        "messaging_service_sid": None,
        "uri": f"/2010-04-01/Accounts/{account}/Messages/{sid}.json",
        "subresource_uris": {},
    }


class _Handler(JsonHandler):
    server: LoopbackServer[FakeTwilioState]

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        state = self.server.state
        url = urlparse(self.path)
        if url.path == "/_stats":
            return self._send_json(200, state.stats())
        if url.path.endswith("/Messages.json"):
            query = parse_qs(url.query)
            to = query.get("To", [None])[0]
            with state.lock:
                found = [m for m in state.messages if to is None or m["to"] == to]
            return self._send_json(
                200,
                {
                    "messages": list(reversed(found))[:50],
                    "next_page_uri": None,
                    "previous_page_uri": None,
                    "first_page_uri": url.path,
                    "page": 0,
                    "page_size": 50,
                    "uri": self.path,
                    "start": 0,
                    "end": len(found),
                },
            )
        return self._send_json(404, {"code": 20404, "message": "not found", "status": 404})

    def do_POST(self) -> None:  # noqa: N802
        state = self.server.state
        url = urlparse(self.path)
        raw = self._body()
        if url.path == "/_control":
            state.control(json.loads(raw or b"{}"))
            return self._send_json(200, {"ok": True})
        if url.path == "/_reset":
            with state.lock:
                state.reset()
            return self._send_json(200, {"ok": True})
        if not url.path.endswith("/Messages.json"):
            return self._send_json(404, {"code": 20404, "message": "not found", "status": 404})
        account = url.path.split("/")[3]
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        to, body = form.get("To", ""), form.get("Body", "")
        ref = parse_qs(urlparse(form.get("StatusCallback", "")).query).get("m", [f"{to}|{body}"])[0]
        with state.lock:
            state.requests += 1
            delay = state.delay
            if state.fail_next > 0:
                state.fail_next -= 1
                mode = "fail"
            elif state.timeout_next > 0:
                state.timeout_next -= 1
                mode = "timeout"
            else:
                mode = "permanent" if to in state.permanent_numbers else "ok"
        if delay:
            time.sleep(delay)
        if mode == "fail":
            return self._send_json(503, {"code": 20503, "message": "Service unavailable", "status": 503})
        if mode == "permanent":
            return self._send_json(
                400,
                {
                    "code": 21211,
                    "message": f"The 'To' number {to} is not a valid phone number.",
                    "status": 400,
                },
            )
        sid = "SM" + secrets.token_hex(16)
        message = _message_json(account, sid, to, form.get("From", ""), body, time.time())
        with state.lock:
            state.messages.append(message)
            state.refs[ref] += 1
        if mode == "timeout":
            time.sleep(state.timeout_seconds)  # accepted, but the answer comes too late
        return self._send_json(201, message)


class FakeTwilio(RunningFake[FakeTwilioState]):
    """The fake on a loopback port (0: any free one)."""

    def __init__(self, port: int = 0):
        super().__init__(LoopbackServer(port, _Handler, FakeTwilioState()))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8099)
    args = parser.parse_args()
    FakeTwilio(args.port).serve("Twilio")


if __name__ == "__main__":
    main()
