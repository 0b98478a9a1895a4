"""REST API v1: other channels write consultation records and read a customer's history."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from audit.models import AuditEntry
from audit.services import client_ip
from consultations.search import ConsultationFilters, consultation_search
from customers.models import User

from .authentication import BearerKeyAuthentication, ClientRateThrottle
from .output import References, consultation_json, output_queryset
from .serializers import (
    BulkInSerializer,
    BulkOutSerializer,
    ConsultationInSerializer,
    ConsultationOutSerializer,
    HistoryQuerySerializer,
)
from .services import consultations_ingest


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body too large."
    default_code = "payload_too_large"


class NewestFirst(CursorPagination):
    ordering = ("-occurred_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


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


DAY = {"type": "string", "pattern": r"^(\d{8}|\d{4}-\d{2}-\d{2})$"}
HISTORY_PARAMETERS = [
    OpenApiParameter(
        "customer_id",
        {"type": "string", "minLength": 1, "maxLength": 150},
        required=True,
        description="the customer's login id, e.g. hanauser1",
    ),
    OpenApiParameter("from", DAY, description="2020-05-23 or 20200523 (a day in Asia/Seoul)"),
    OpenApiParameter("to", DAY, description="2020-06-28 or 20200628, inclusive"),
    OpenApiParameter("main_category", {"type": "string", "pattern": r"^\d{2}$"}, description="02"),
    OpenApiParameter("middle_category", {"type": "string", "pattern": r"^\d{4}$"}, description="0201"),
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


ERRORS = {
    401: OpenApiResponse(OpenApiTypes.OBJECT, description="No, unknown or revoked API key"),
    429: OpenApiResponse(OpenApiTypes.OBJECT, description="Rate limit; see Retry-After"),
}


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
    def get(self, request: Request) -> Response:
        query = HistoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        customer = get_object_or_404(User, username=params["customer_id"], role=User.Role.CUSTOMER)
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
        AuditEntry.objects.create(
            api_client=request.user,
            ip=client_ip(request._request),
            customer=customer,
            action=AuditEntry.Action.API_READ,
            target="api consultations",
            detail={k: str(v) for k, v in params.items()},
        )
        return self.get_paginated_response(consultation_json(page))

    @extend_schema(
        operation_id="consultation_create",
        summary="Record one consultation (idempotent on external_id)",
        request=ConsultationInSerializer,
        responses={
            201: OpenApiResponse(ConsultationOutSerializer, description="Created"),
            200: OpenApiResponse(
                ConsultationOutSerializer, description="Already stored (same external_id, same content)"
            ),
            400: OpenApiTypes.OBJECT,
            409: OpenApiResponse(
                OpenApiTypes.OBJECT, description="external_id already used with other content"
            ),
            413: OpenApiResponse(OpenApiTypes.OBJECT, description="Body over API_MAX_BODY_BYTES"),
            **ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"non_field_errors": ["Send one JSON object."]})
        (result,) = consultations_ingest(client=request.user, records=[request.data])
        if result.status == 400:
            return Response(result.errors, status=400)
        assert result.record is not None
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
        results = consultations_ingest(client=request.user, records=body.validated_data["records"])
        counts = {201: 0, 200: 0, 409: 0, 400: 0}
        for r in results:
            counts[r.status] += 1
        return Response(
            {
                "created": counts[201],
                "existing": counts[200],
                "conflicts": counts[409],
                "invalid": counts[400],
                "results": [r.as_dict() for r in results],
            }
        )
