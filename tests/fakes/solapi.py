"""A local HTTP server that speaks the part of SOLAPI's API omnihana uses, for the real `solapi` SDK.

Tests point SolapiMessageService.base_url at it (SOLAPI_API_BASE). Like SOLAPI it refuses a request
whose HMAC-SHA256 Authorization header does not verify (wrong key, wrong signature, a date off by
more than 15 minutes, a salt used twice). It can be told to fail (5xx), to time out after
accepting, or to refuse numbers; it counts what it received and how often per message reference.

    POST /messages/v4/send-many/detail     GET /messages/v4/list-old?to=...
    POST /_control {"fail_next": 1, "timeout_next": 1, "delay": 0.05, "invalid_numbers": ["01000000000"],
                    "kakao_unreachable": ["01000000001"]}
    GET  /_stats
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
import time
from typing import Any
from urllib.parse import parse_qs, urlparse

from .server import FakeState, JsonHandler, LoopbackServer, RunningFake

API_KEY = "NCSTESTKEY0000000"
API_SECRET = "TESTSECRET0000000000000000000000"  # noqa: S105 - a made-up secret for the local fake
_AUTH = re.compile(
    r"^HMAC-SHA256 ApiKey=(?P<key>[^,]+), Date=(?P<date>[^,]+), salt=(?P<salt>[^,]+), signature=(?P<sig>[0-9a-f]+)$"
)


class FakeSolapiState(FakeState):
    NUMBER_SETS = ("invalid_numbers", "kakao_unreachable")  # kakao_unreachable: no alimtalk reaches them
    invalid_numbers: set[str]
    kakao_unreachable: set[str]

    def reset(self) -> None:
        super().reset()
        self.rejected_auth = 0
        self.salts: set[str] = set()

    def stats(self) -> dict[str, Any]:
        stats = super().stats()
        with self.lock:
            stats["rejected_auth"] = self.rejected_auth
        return stats

    def report(
        self, message_id: str, status_code: str, status_message: str = "", *, retry_count: int = 0
    ) -> dict[str, Any]:
        """One event of SOLAPI's single-report webhook for a message it accepted (the shape the SDK
        models as solapi.model.webhook.single_report.SingleReport; a list of these is the body)."""
        with self.lock:
            item = next(m for m in self.messages if m["messageId"] == message_id)
        now = dt.datetime.now(dt.UTC).isoformat()
        data = {**item, "statusCode": status_code, "statusMessage": status_message, "dateReceived": now}
        return {"eventDataId": "EV" + secrets.token_hex(8).upper(), "data": data, "retryCount": retry_count}

    def check_auth(self, header: str) -> str | None:
        """None if the header verifies, else SOLAPI's error code for it."""
        match = _AUTH.match(header or "")
        if match is None:
            return "InvalidAuthorizationHeader"
        if match["key"] != API_KEY:
            return "InvalidAPIKey"
        expected = hmac.new(API_SECRET.encode(), (match["date"] + match["salt"]).encode(), hashlib.sha256)
        if not hmac.compare_digest(expected.hexdigest(), match["sig"]):
            return "SignatureDoesNotMatch"
        try:
            sent = dt.datetime.fromisoformat(match["date"])
        except ValueError:
            return "InvalidDate"
        if abs((dt.datetime.now(dt.UTC) - sent).total_seconds()) > 15 * 60:
            return "RequestTimeTooSkewed"
        with self.lock:
            if match["salt"] in self.salts:
                return "DuplicatedSignature"
            self.salts.add(match["salt"])
        return None


def _count(total: int, failed: int) -> dict[str, int]:
    return {
        "total": total,
        "sentTotal": 0,
        "sentSuccess": 0,
        "sentPending": total - failed,
        "sentReplacement": 0,
        "refund": 0,
        "registeredFailed": failed,
        "registeredSuccess": total - failed,
    }


def _group(total: int, failed: int) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC).isoformat()
    cash = {"requested": 0, "replacement": 0, "refund": 0, "sum": 0}
    return {
        "count": _count(total, failed),
        "countForCharge": {},
        "balance": cash,
        "point": cash,
        "app": {"profit": {}, "appId": None},
        "log": [],
        "status": "SENDING",
        "allowDuplicates": False,
        "isRefunded": False,
        "accountId": "12345678",
        "masterAccountId": None,
        "apiVersion": "4",
        "groupId": "G4V" + secrets.token_hex(8).upper(),
        "price": {},
        "dateCreated": now,
        "dateUpdated": now,
    }


class _Handler(JsonHandler):
    server: LoopbackServer[FakeSolapiState]

    def _authorized(self) -> bool:
        error = self.server.state.check_auth(self.headers.get("Authorization", ""))
        if error is None:
            return True
        with self.server.state.lock:
            self.server.state.rejected_auth += 1
        self._send_json(401, {"errorCode": error, "errorMessage": "authentication failed"})
        return False

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        state = self.server.state
        url = urlparse(self.path)
        if url.path == "/_stats":
            return self._send_json(200, state.stats())
        if url.path != "/messages/v4/list-old":
            return self._send_json(404, {"errorCode": "NotFound", "errorMessage": url.path})
        if not self._authorized():
            return None
        to = parse_qs(url.query).get("to", [None])[0]
        with state.lock:
            found = [m for m in state.messages if to is None or m["to"] == to]
        return self._send_json(
            200, {"limit": 20, "messageList": {m["messageId"]: m for m in found[-20:]}, "startKey": None}
        )

    def do_POST(self) -> None:  # noqa: N802
        state = self.server.state
        url = urlparse(self.path)
        raw = self._body()
        if url.path == "/_control":
            state.control(json.loads(raw or b"{}"))
            return self._send_json(200, {"ok": True})
        if url.path != "/messages/v4/send-many/detail":
            return self._send_json(404, {"errorCode": "NotFound", "errorMessage": url.path})
        if not self._authorized():
            return None
        payload = json.loads(raw or b"{}")
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
                mode = "ok"
        if delay:
            time.sleep(delay)
        if mode == "fail":
            return self._send_json(
                500, {"errorCode": "InternalError", "errorMessage": "temporarily unavailable"}
            )
        accepted, failed = [], []
        for message in payload.get("messages", []):
            item = {
                "messageId": "M4V" + secrets.token_hex(8).upper(),
                "to": message.get("to"),
                "from": message.get("from"),
                "type": message.get("type") or "SMS",
                "text": message.get("text"),
                "country": message.get("country", "82"),
                "customFields": message.get("customFields"),
                "kakaoOptions": message.get("kakaoOptions"),
                "accountId": "12345678",
            }
            if message.get("to") in state.invalid_numbers:
                failed.append({**item, "statusCode": "1062", "statusMessage": "유효하지 않은 수신번호"})
                continue
            if item["type"] == "ATA" and message.get("to") in state.kakao_unreachable:
                failed.append({**item, "statusCode": "3104", "statusMessage": "카카오톡 미사용자"})
                continue
            accepted.append({**item, "statusCode": "2000", "statusMessage": "정상 접수(이통사로 접수 예정)"})
        with state.lock:
            for item in accepted:
                state.messages.append(item)
                state.refs[(item["customFields"] or {}).get("ref", item["messageId"])] += 1
        if mode == "timeout":
            time.sleep(state.timeout_seconds)  # accepted, but the answer comes too late
        return self._send_json(
            200,
            {
                "groupInfo": _group(len(accepted) + len(failed), len(failed)),
                "messageList": [
                    {k: m[k] for k in ("messageId", "statusCode", "statusMessage", "customFields")}
                    for m in accepted
                ],
                "failedMessageList": failed,
            },
        )


class FakeSolapi(RunningFake[FakeSolapiState]):
    """The fake on a loopback port (0: any free one)."""

    def __init__(self, port: int = 0):
        super().__init__(LoopbackServer(port, _Handler, FakeSolapiState()))
