from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.models import Case
from consultations.models import Consultation, Progress
from core.phone import normalize_korean_mobile

EXTERNAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}$")


class AwareDateTimeField(serializers.DateTimeField):
    """ISO 8601 with an offset (2020-05-23T14:30:00+09:00); a time without one is ambiguous."""

    def to_internal_value(self, value):
        try:
            parsed = parse_datetime(value) if isinstance(value, str) else None
        except ValueError:  # well-formed but impossible (12:99): the parent says "invalid"
            parsed = None
        if parsed is not None and parsed.tzinfo is None:
            raise serializers.ValidationError(
                "occurred_at needs a UTC offset, e.g. 2020-05-23T14:30:00+09:00."
            )
        return super().to_internal_value(value)


class CompactDateField(serializers.DateField):
    """2020-05-23 or 20200523 (the original project's query form)."""

    def to_internal_value(self, value):
        if isinstance(value, str) and re.fullmatch(r"[0-9]{8}", value):
            value = f"{value[:4]}-{value[4:6]}-{value[6:]}"
        return super().to_internal_value(value)


class StrictTypeMixin:
    """JSON types as the schema states them: DRF would take 0 for "0" and 1 or "true" for true."""

    json_types: tuple[type, ...] = (str,)

    def to_internal_value(self, data):
        if isinstance(data, bool) is not (bool in self.json_types) or not isinstance(data, self.json_types):
            self.fail("invalid")  # type: ignore[attr-defined]
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictCharField(StrictTypeMixin, serializers.CharField):
    pass


class StrictRegexField(StrictTypeMixin, serializers.RegexField):
    pass


class StrictBooleanField(StrictTypeMixin, serializers.BooleanField):
    json_types = (bool,)


CUSTOMER_NO = r"^C\d{8}$"
IDENTITY_FIELDS = ("customer_id", "customer_no", "customer")


class IsoDateField(StrictRegexField):
    """YYYY-MM-DD exactly (the schema's pattern is the rule, not a looser parser's)."""

    def __init__(self, **kwargs):
        super().__init__(r"^\d{4}-\d{2}-\d{2}$", **kwargs)

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise serializers.ValidationError("Not a real date.") from None


class CustomerIdentitySerializer(serializers.Serializer):
    """A person the bank may not know yet: found by mobile number, created without a web login."""

    name = StrictCharField(max_length=50, help_text=_("이름 (예: 최방문)"))
    birth_date = IsoDateField(help_text="1961-07-15")
    phone = StrictRegexField(
        r"^[+0-9][0-9 \-]{9,18}$", help_text=_("휴대폰 번호 (010-1234-5678 또는 +821012345678)")
    )

    def validate_phone(self, value: str) -> str:
        try:
            return normalize_korean_mobile(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None

    def validate_birth_date(self, value: dt.date) -> dt.date:
        if not 1900 <= value.year <= dt.date.today().year:
            raise serializers.ValidationError("Birth date between 1900 and today.")
        return value


def exactly_one_identity(attrs: dict) -> None:
    given = [name for name in IDENTITY_FIELDS if attrs.get(name)]
    if len(given) != 1:
        raise serializers.ValidationError(
            {"customer": ["Identify the customer with exactly one of customer_id, customer_no or customer."]}
        )


class ConsultationInSerializer(serializers.Serializer):
    customer_id = StrictCharField(
        max_length=150, required=False, help_text=_("손님 웹 아이디 (예: hanauser1)")
    )
    customer_no = StrictRegexField(
        CUSTOMER_NO, required=False, help_text=_("손님번호 (예: C00001234): 웹 가입 여부와 관계없이")
    )
    customer = CustomerIdentitySerializer(
        required=False,
        help_text=_(
            "이름·생년월일·휴대폰: 모르는 손님이면 웹 로그인 없는 손님으로 등록합니다. 같은 번호에 다른 "
            "이름이나 생년월일이면 409."
        ),
    )
    employee_no = StrictCharField(max_length=20, help_text=_("상담한 직원의 사원번호"))
    main_category = StrictRegexField(r"^[0-9]{2}$", help_text=_("대분류 코드 (01~06)"))
    middle_category = StrictRegexField(r"^[0-9]{4}$", help_text=_("중분류 코드 (예: 0201)"))
    title = StrictCharField(max_length=100)
    notes = StrictCharField(max_length=4000, allow_blank=True, default="")
    progress = serializers.ChoiceField(choices=Progress.choices, default=Progress.RECEIVED)
    follow_up = StrictBooleanField(default=False)
    occurred_at = AwareDateTimeField()
    external_id = StrictRegexField(
        EXTERNAL_ID, help_text=_("보내는 시스템의 고유 ID: 같은 ID로 다시 보내면 새로 만들지 않습니다.")
    )

    def validate(self, attrs):
        exactly_one_identity(attrs)
        return attrs


class BulkInSerializer(serializers.Serializer):
    records = serializers.ListField(
        child=serializers.DictField(), min_length=1, max_length=1000, help_text=_("최대 1,000건")
    )


class ConsultationOutSerializer(serializers.ModelSerializer):
    customer_id = serializers.CharField(
        source="customer.username", allow_null=True, help_text="null for a customer without a web login"
    )
    customer_no = serializers.CharField(source="customer.customer_profile.customer_no")
    customer_name = serializers.CharField(source="customer.name")
    employee_no = serializers.CharField(source="staff.staff_profile.employee_no")
    staff_name = serializers.CharField(source="staff.name")
    channel = serializers.CharField(source="channel.code")
    main_category = serializers.CharField(source="main_category.code")
    main_category_name = serializers.CharField(source="main_category.name")
    middle_category = serializers.CharField(source="middle_category.code")
    middle_category_name = serializers.CharField(source="middle_category.name")
    follow_up = serializers.BooleanField(source="follow_up_needed")
    source = serializers.CharField(source="source_client.name", allow_null=True, default=None)
    external_id = serializers.CharField(allow_null=True)

    class Meta:
        model = Consultation
        fields = [
            "id", "external_id", "source", "customer_id", "customer_no", "customer_name", "employee_no", "staff_name",
            "channel", "main_category", "main_category_name", "middle_category", "middle_category_name",
            "title", "notes", "progress", "follow_up", "occurred_at", "created_at",
        ]  # fmt: skip


class HistoryQuerySerializer(serializers.Serializer):
    customer_id = serializers.CharField(max_length=150, required=False)
    customer_no = serializers.RegexField(CUSTOMER_NO, required=False)
    from_ = CompactDateField(required=False, help_text="2020-05-23 or 20200523 (Asia/Seoul day)")
    to = CompactDateField(required=False, help_text="inclusive")
    main_category = serializers.RegexField(r"^[0-9]{2}$", required=False)
    middle_category = serializers.RegexField(r"^[0-9]{4}$", required=False)
    channel = serializers.SlugField(max_length=20, required=False)
    progress = serializers.ChoiceField(choices=Progress.choices, required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")  # `from` is a Python keyword
        return fields

    def validate(self, attrs):
        if bool(attrs.get("customer_id")) == bool(attrs.get("customer_no")):
            raise serializers.ValidationError(
                {"customer_id": ["Give customer_id or customer_no (one of them)."]}
            )
        for name in ("from", "to"):
            if attrs.get(name) and not 1900 <= attrs[name].year <= 2999:
                raise serializers.ValidationError({name: "Dates between 1900 and 2999."})
        if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": "to is before from."})
        return attrs


class ItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    status = serializers.IntegerField(
        help_text="201 created, 200 already there, 409 conflict, 400 invalid, 403 outside the client's scope"
    )
    external_id = serializers.CharField(allow_null=True)
    id = serializers.IntegerField(allow_null=True)
    errors = serializers.DictField(required=False)


class BulkOutSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    existing = serializers.IntegerField()
    conflicts = serializers.IntegerField()
    invalid = serializers.IntegerField()
    forbidden = serializers.IntegerField(help_text="records naming a staff member outside the client's scope")
    results = ItemResultSerializer(many=True)


class CaseInSerializer(serializers.Serializer):
    customer_id = StrictCharField(max_length=150, help_text=_("손님 아이디 (예: hanauser1)"))
    kind = serializers.ChoiceField(choices=Case.Kind.choices, help_text=_("민원, 요청, 칭찬, 제안"))
    priority = serializers.ChoiceField(choices=Case.Priority.choices, default=Case.Priority.NORMAL)
    team = StrictRegexField(r"^[-a-z0-9_]{1,20}$", help_text=_("보낼 팀의 코드 (예: card)"))
    main_category = StrictRegexField(r"^\d{2}$", help_text=_("대분류 코드 (01~06)"))
    middle_category = StrictRegexField(r"^\d{4}$", required=False, help_text=_("중분류 코드 (예: 0401)"))
    title = StrictCharField(max_length=100)
    description = StrictCharField(max_length=4000)
    employee_no = StrictCharField(
        max_length=20, required=False, help_text=_("접수한 직원의 사원번호 (없으면 연동 시스템 접수)")
    )
    external_id = StrictRegexField(
        EXTERNAL_ID, help_text=_("보내는 시스템의 고유 ID: 같은 ID로 다시 보내면 새로 만들지 않습니다.")
    )


class CaseOutSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True, help_text=_("접수번호"))
    customer_id = serializers.CharField(source="customer.username", read_only=True)
    team = serializers.CharField(source="team.code", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "external_id",
            "customer_id",
            "kind",
            "priority",
            "status",
            "team",
            "title",
            "opened_at",
            "due_at",
        ]
        read_only_fields = fields
