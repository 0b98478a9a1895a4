"""REST API v1: other channels write consultation records and read a customer's history."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from audit.models import AuditEntry
from audit.services import audit_write
from consultations.search import ConsultationFilters, consultation_search
from core.params import param_datetime
from core.replica import heavy_read_view
from core.request import client_ip
from customers.models import User, profile_pk_from_customer_no

from .authentication import BearerKeyAuthentication, ClientRateThrottle
from .output import References, consultation_json, output_queryset
from .serializers import (
    BulkInSerializer,
    BulkOutSerializer,
    CaseInSerializer,
    CaseOutSerializer,
    ConsultationInSerializer,
    ConsultationOutSerializer,
    HistoryQuerySerializer,
)
from .services import case_ingest, consultations_ingest, customers_named


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body too large."
    default_code = "payload_too_large"


class NewestFirst(CursorPagination):
    ordering = ("-occurred_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request: Request) -> Cursor | None:
        # DRF checks the cursor's shape, not its position: `p=garbage` would reach the query as a
        # date-time and fail there. A cursor is ours or it is a bad request.
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound as exc:
            raise exceptions.ValidationError({"cursor": [self.invalid_cursor_message]}) from exc
        if cursor is not None and cursor.position is not None and param_datetime(cursor.position) is None:
            raise exceptions.ValidationError({"cursor": [self.invalid_cursor_message]})
        return cursor


class ApiView(GenericAPIView):
    authentication_classes = [BearerKeyAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [ClientRateThrottle]
    max_body_bytes = settings.API_MAX_BODY_BYTES

    def initial(self, request: Request, *args, **kwargs) -> None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.max_body_bytes:
            raise PayloadTooLarge(f"Request body over {self.max_body_bytes} bytes.")
        super().initial(request, *args, **kwargs)


# Years whose February has a 29th: divisible by 4 and not by 100, or divisible by 400.
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"


def _day_pattern(sep: str) -> str:
    # The months' lengths and the leap years in the pattern itself, so a client's own validator
    # refuses 2020-13-45, 2020-04-31 and 2021-02-29 before sending.
    return (
        rf"(?:[0-9]{{4}}{sep}(?:(?:0[1-9]|1[0-2]){sep}(?:0[1-9]|1[0-9]|2[0-8])"
        rf"|(?:0[13-9]|1[0-2]){sep}(?:29|30)|(?:0[13578]|1[02]){sep}31)"
        rf"|{_LEAP_YEAR}{sep}02{sep}29)"
    )


DAY = {"type": "string", "pattern": rf"^(?:{_day_pattern('')}|{_day_pattern('-')})$"}
HISTORY_PARAMETERS = [
    OpenApiParameter(
        "customer_id",
        {"type": "string", "minLength": 1, "maxLength": 150},
        description="the customer's web login id, e.g. hanauser1 (give this or customer_no)",
    ),
    OpenApiParameter(
        "customer_no",
        {"type": "string", "pattern": r"^C\d{8}$"},
        description="the customer number, e.g. C00001234, with or without a web login (or customer_id)",
    ),
    OpenApiParameter("from", DAY, description="2020-05-23 or 20200523 (a day in Asia/Seoul)"),
    OpenApiParameter("to", DAY, description="2020-06-28 or 20200628, inclusive"),
    OpenApiParameter("main_category", {"type": "string", "pattern": r"^[0-9]{2}$"}, description="02"),
    OpenApiParameter("middle_category", {"type": "string", "pattern": r"^[0-9]{4}$"}, description="0201"),
    OpenApiParameter(
        "channel",
        {"type": "string", "pattern": r"^[-a-zA-Z0-9_]{1,20}$"},
        description="branch, call, video, internet, remote",
    ),
    OpenApiParameter("progress", OpenApiTypes.STR, enum=["received", "in_progress", "done"]),
    OpenApiParameter(
        "page_size", {"type": "integer", "minimum": 1, "maximum": 200}, description="default 50"
    ),
]


_RECORD = {
    "employee_no": "hnv2001",
    "main_category": "02",
    "middle_category": "0203",
    "title": "화상창구 전세자금대출 상담",
    "occurred_at": "2020-05-23T14:30:00+09:00",
    "external_id": "vt-20200523-0001",
}
IDENTITY_EXAMPLES = [
    OpenApiExample("by web login id", value={"customer_id": "hanauser1", **_RECORD}, request_only=True),
    OpenApiExample("by customer number", value={"customer_no": "C00001234", **_RECORD}, request_only=True),
    OpenApiExample(
        "by name, birth date and phone",
        value={
            "customer": {"name": "최방문", "birth_date": "1961-07-15", "phone": "010-7777-1234"},
            **_RECORD,
        },
        request_only=True,
    ),
]

ERRORS = {
    401: OpenApiResponse(OpenApiTypes.OBJECT, description="No, unknown or revoked API key"),
    403: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="Outside the client's scope: history reading not allowed, or a staff member it "
        "may not write as (a manager, or another branch's)",
    ),
    429: OpenApiResponse(OpenApiTypes.OBJECT, description="Rate limit; see Retry-After"),
}


def history_customer(params: dict) -> User:
    """By web login id or by customer number; a merged record reads the history it was merged into."""
    if params.get("customer_no"):
        number = profile_pk_from_customer_no(params["customer_no"])
        found = customers_named(numbers=[number] if number else []).by_number.get(number or 0)
    else:
        found = customers_named(logins=[params["customer_id"]]).by_login.get(params["customer_id"])
    if found is None:
        raise Http404
    return found


class ConsultationsView(ApiView):
    serializer_class = ConsultationOutSerializer
    pagination_class = NewestFirst

    @extend_schema(
        operation_id="consultation_history",
        summary="A customer's consultation history across every channel, newest first",
        parameters=HISTORY_PARAMETERS,
        responses={
            200: ConsultationOutSerializer(many=True),
            400: OpenApiTypes.OBJECT,
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such customer"),
            **ERRORS,
        },
    )
    @heavy_read_view
    def get(self, request: Request) -> Response:
        if not request.user.can_read_history:
            raise exceptions.PermissionDenied("This API client may not read consultation history.")
        query = HistoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        customer = history_customer(params)
        codes: dict[str, int | None] = {}
        for kind in ("main_category", "middle_category", "channel"):
            if params.get(kind):
                codes[kind] = References.id_for(kind, params[kind])
                if codes[kind] is None:
                    raise exceptions.ValidationError({kind: [f"Unknown {kind} code."]})
        # The same filters as the staff consultation search (Asia/Seoul days, inclusive end).
        records = consultation_search(
            ConsultationFilters(
                customer_id=customer.pk,
                date_from=params.get("from"),
                date_to=params.get("to"),
                main_category_id=codes.get("main_category"),
                middle_category_id=codes.get("middle_category"),
                channel_id=codes.get("channel"),
                progress=params.get("progress", ""),
            )
        )
        page = self.paginate_queryset(output_queryset(records))
        audit_write(
            api_client_id=request.user.pk,
            ip=client_ip(request._request),
            customer=customer,
            action=AuditEntry.Action.API_READ,
            target="api consultations",
            detail={k: str(v) for k, v in params.items()},
        )
        return self.get_paginated_response(consultation_json(page, customer))

    @extend_schema(
        operation_id="consultation_create",
        summary="Record one consultation (idempotent on external_id)",
        description="Identify the customer with exactly one of: `customer_id` (web login id), "
        "`customer_no` (customer number, with or without a web login), or `customer` "
        "{name, birth_date, phone}: a person the bank does not know yet is registered as a customer "
        "without a web login; the same phone with another name or birth date is a 409.",
        request=ConsultationInSerializer,
        examples=IDENTITY_EXAMPLES,
        responses={
            201: OpenApiResponse(ConsultationOutSerializer, description="Created"),
            200: OpenApiResponse(
                ConsultationOutSerializer, description="Already stored (same external_id, same content)"
            ),
            400: OpenApiTypes.OBJECT,
            409: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="external_id already used with other content, or the customer's phone "
                "number belongs to someone with another name or birth date",
            ),
            413: OpenApiResponse(OpenApiTypes.OBJECT, description="Body over API_MAX_BODY_BYTES"),
            **ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"non_field_errors": ["Send one JSON object."]})
        (result,) = consultations_ingest(client=request.user, records=[request.data], ip=client_ip(request))
        if result.status in (400, 403):
            return Response(result.errors, status=result.status)
        if result.record is None:  # the identity contradicts the customer holding its phone number
            return Response({"detail": result.errors["customer"][0], **result.errors}, status=409)
        if result.status == 409:
            return Response(
                {
                    "detail": "This external_id was already used with different content; nothing was changed.",
                    "id": result.record.pk,
                },
                status=409,
            )
        return Response(consultation_json([result.record])[0], status=result.status)


class ConsultationsBulkView(ApiView):
    serializer_class = BulkOutSerializer
    max_body_bytes = settings.API_MAX_BULK_BODY_BYTES

    @extend_schema(
        operation_id="consultation_bulk_create",
        summary="Record up to 1,000 consultations; each is idempotent on its external_id",
        request=BulkInSerializer,
        responses={
            200: BulkOutSerializer,
            400: OpenApiTypes.OBJECT,
            413: OpenApiResponse(OpenApiTypes.OBJECT, description="Body over API_MAX_BULK_BODY_BYTES"),
            **ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        body = BulkInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        results = consultations_ingest(
            client=request.user, records=body.validated_data["records"], ip=client_ip(request)
        )
        counts = {201: 0, 200: 0, 409: 0, 400: 0, 403: 0}
        for r in results:
            counts[r.status] += 1
        return Response(
            {
                "created": counts[201],
                "existing": counts[200],
                "conflicts": counts[409],
                "invalid": counts[400],
                "forbidden": counts[403],
                "results": [r.as_dict() for r in results],
            }
        )


class CasesView(ApiView):
    serializer_class = CaseOutSerializer

    @extend_schema(
        operation_id="case_create",
        summary="Open a complaint or request (case) for a team; idempotent on external_id",
        description=(
            "The customer gets an SMS with the case number (접수번호) and the resolution deadline, "
            "counted in business hours on Korean banking days. Posting the same external_id again "
            "returns the case already opened (200) and changes nothing."
        ),
        request=CaseInSerializer,
        responses={
            201: OpenApiResponse(CaseOutSerializer, description="Opened"),
            200: OpenApiResponse(CaseOutSerializer, description="Already opened with this external_id"),
            400: OpenApiTypes.OBJECT,
            413: OpenApiResponse(OpenApiTypes.OBJECT, description="Body over API_MAX_BODY_BYTES"),
            **ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"non_field_errors": ["Send one JSON object."]})
        result = case_ingest(client=request.user, data=request.data, ip=client_ip(request))
        if result.status in (400, 403):
            return Response(result.errors, status=result.status)
        return Response(CaseOutSerializer(result.case).data, status=result.status)
