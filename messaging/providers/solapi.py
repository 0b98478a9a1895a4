"""SOLAPI (a Korean SMS/LMS and KakaoTalk alimtalk gateway) through its real Python SDK.

SOLAPI_API_BASE points the SDK at another base URL (the local fake in tests); in production it
stays empty and the SDK talks to api.solapi.com, signing each request with HMAC-SHA256 of the
API secret. SOLAPI answers with a status code per message; they are mapped to ours here, so no
other module learns SOLAPI's words.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import httpx
from django.conf import settings
from solapi import SolapiMessageService
from solapi.error.MessageNotReceiveError import MessageNotReceivedError
from solapi.model import KakaoOption, RequestMessage
from solapi.model.message_type import MessageType
from solapi.model.request.messages.get_messages import GetMessagesRequest

from ..encoding import ALIMTALK_MAX_CHARS
from ..models import Message
from .base import OutgoingSms, PermanentError, ProviderTimeout, SendResult, TransientError

# SOLAPI's per-message status codes in our terms, as SOLAPI documents them ("메시지 상태 코드",
# api-reference/message-status-codes.md of SOLAPI's developer documents): four digits; 2000 정상 접수
# (accepted, to the carrier next), 3000 이통사로 접수 (with the carrier, waiting for its report),
# 4000 수신 완료 (received by the handset). Every other code is an error: 1xxx while accepting,
# 2xxx inside SOLAPI, 3xxx at the carrier or KakaoTalk (3104 카카오톡 미사용자, 3103 template
# mismatch, 3107 blocked or not used for 72 hours, 3040 timeout, ...).
ACCEPTED_CODES = {"2000", "3000"}
DELIVERED_CODES = {"4000"}
_STATUS_CODE = re.compile(r"^[1-4][0-9]{3}$")
# Request errors (the API's errorCode) that a retry cannot fix.
PERMANENT_ERRORS = {"ValidationError", "InvalidPhoneNumber", "NotEnoughBalance", "BadRequest"}


def domestic(e164: str) -> str:
    """SOLAPI takes Korean numbers in their domestic form: +821012345678 → 01012345678."""
    return "0" + e164[3:] if e164.startswith("+82") else e164


class SolapiProvider:
    name = "solapi"
    speaks_alimtalk = True

    def __init__(self) -> None:
        self.service = SolapiMessageService(settings.SOLAPI_API_KEY, settings.SOLAPI_API_SECRET)
        if settings.SOLAPI_API_BASE:
            self.service.base_url = settings.SOLAPI_API_BASE.rstrip("/")
        self.sender = domestic(settings.SOLAPI_SENDER)
        self.pf_id = settings.SOLAPI_PF_ID

    @staticmethod
    def status_from_report(provider_status: str) -> Message.Status | None:
        if not _STATUS_CODE.match(provider_status or ""):
            return None  # not one of SOLAPI's message status codes: says nothing
        if provider_status in ACCEPTED_CODES:
            return Message.Status.SENT
        if provider_status in DELIVERED_CODES:
            return Message.Status.DELIVERED
        return Message.Status.FAILED

    def _request(self, sms: OutgoingSms) -> RequestMessage:
        fields: dict[str, Any] = {
            "from_": self.sender,
            "to": domestic(sms.to),
            "text": sms.body,
            "custom_fields": {"ref": str(sms.message_id)},
        }
        if sms.alimtalk is not None:
            if len(sms.body) > ALIMTALK_MAX_CHARS:
                raise PermanentError(
                    f"alimtalk body of {len(sms.body):,} characters is over {ALIMTALK_MAX_CHARS:,}"
                )
            fields["type"] = MessageType.ATA
            fields["kakao_options"] = KakaoOption(
                pf_id=sms.alimtalk.pf_id or self.pf_id,
                template_id=sms.alimtalk.template_id,
                variables=sms.alimtalk.variables,
                # We fall back to SMS/LMS ourselves, as a row of our own: never twice by the provider.
                disable_sms=True,
                # No buttons: an alimtalk's buttons are part of the template Kakao approved and are
                # taken from it. SOLAPI's support recommends sending pfId, templateId and variables
                # only (solapi/community discussion #13, April 2025); buttons in the request are the
                # other way, with the full text, and must match the approved ones anyway. The SDK's
                # KakaoOption (5.0.3) has no buttons field either.
            )
        else:
            fields["type"] = MessageType.LMS if sms.kind == Message.Kind.LMS else MessageType.SMS
        return RequestMessage(**fields)

    def send(self, sms: OutgoingSms) -> SendResult:
        request = self._request(sms)
        try:
            response = self.service.send(request)
        except MessageNotReceivedError as exc:
            # Registration refused (invalid number, template mismatch, ...): the SDK's message says
            # only "see failed_messages", so the codes are spelled out here.
            reasons = "; ".join(f"{f.status_code} {f.status_message}" for f in exc.failed_messages)
            raise PermanentError(f"solapi refused: {reasons}") from exc
        except httpx.ConnectError as exc:
            raise TransientError(f"connect failed: {exc}") from exc  # never reached SOLAPI: safe to retry
        except httpx.TimeoutException as exc:
            raise ProviderTimeout(f"no answer from SOLAPI: {exc}") from exc
        except httpx.HTTPError as exc:
            raise TransientError(f"{type(exc).__name__}: {exc}") from exc
        except Exception as exc:  # the SDK raises bare Exception(errorCode, errorMessage) for 4xx/5xx
            code = str(exc.args[0]) if exc.args else "UnknownError"
            if code in PERMANENT_ERRORS:
                raise PermanentError(f"solapi {code}: {exc.args[1:]}") from exc
            raise TransientError(f"solapi {code}: {exc.args[1:]}") from exc
        items = response.message_list or []
        if not items:
            raise TransientError("solapi accepted nothing and reported no failure")
        item = items[0]
        if item.status_code not in ACCEPTED_CODES | DELIVERED_CODES:
            raise PermanentError(f"solapi {item.status_code}: {item.status_message}")
        return SendResult(provider_message_id=item.message_id, status=item.status_code)

    def lookup(self, sms: OutgoingSms, *, since_epoch: float) -> SendResult | None:
        since = dt.datetime.fromtimestamp(since_epoch, tz=dt.UTC) - dt.timedelta(minutes=1)
        try:
            found = self.service.get_messages(GetMessagesRequest(to=domestic(sms.to), start_date=since))
        except Exception as exc:  # the SDK's bare Exception, or httpx's
            raise TransientError(f"lookup failed: {exc}") from exc
        for message_id, message in found.message_list.items():
            if (message.custom_fields or {}).get("ref") == str(sms.message_id):
                return SendResult(provider_message_id=message_id)
        return None
