from __future__ import annotations

import datetime as dt
import re

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from consultations.models import Consultation, Progress

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
        if isinstance(value, str) and re.fullmatch(r"\d{8}", value):
            value = f"{value[:4]}-{value[4:6]}-{value[6:]}"
        return super().to_internal_value(value)


class ConsultationInSerializer(serializers.Serializer):
    customer_id = serializers.CharField(max_length=150, help_text=_("손님 아이디 (예: hanauser1)"))
    employee_no = serializers.CharField(max_length=20, help_text=_("상담한 직원의 사원번호"))
    main_category = serializers.RegexField(r"^\d{2}$", help_text=_("대분류 코드 (01~06)"))
    middle_category = serializers.RegexField(r"^\d{4}$", help_text=_("중분류 코드 (예: 0201)"))
    title = serializers.CharField(max_length=100)
    notes = serializers.CharField(max_length=4000, allow_blank=True, default="")
    progress = serializers.ChoiceField(choices=Progress.choices, default=Progress.RECEIVED)
    follow_up = serializers.BooleanField(default=False)
    occurred_at = AwareDateTimeField()
    external_id = serializers.RegexField(
        EXTERNAL_ID, help_text=_("보내는 시스템의 고유 ID: 같은 ID로 다시 보내면 새로 만들지 않습니다.")
    )

    def validate_occurred_at(self, value: dt.datetime) -> dt.datetime:
        from django.utils import timezone

        if value > timezone.now() + dt.timedelta(minutes=5):
            raise serializers.ValidationError("occurred_at is in the future.")
        if value.year < 1990:
            raise serializers.ValidationError("occurred_at is before 1990.")
        return value


class BulkInSerializer(serializers.Serializer):
    records = serializers.ListField(
        child=serializers.DictField(), min_length=1, max_length=1000, help_text=_("최대 1,000건")
    )


class ConsultationOutSerializer(serializers.ModelSerializer):
    customer_id = serializers.CharField(source="customer.username")
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
            "id", "external_id", "source", "customer_id", "customer_name", "employee_no", "staff_name",
            "channel", "main_category", "main_category_name", "middle_category", "middle_category_name",
            "title", "notes", "progress", "follow_up", "occurred_at", "created_at",
        ]  # fmt: skip


class HistoryQuerySerializer(serializers.Serializer):
    customer_id = serializers.CharField(max_length=150)
    from_ = CompactDateField(required=False, help_text="2020-05-23 or 20200523 (Asia/Seoul day)")
    to = CompactDateField(required=False, help_text="inclusive")
    main_category = serializers.RegexField(r"^\d{2}$", required=False)
    middle_category = serializers.RegexField(r"^\d{4}$", required=False)
    channel = serializers.SlugField(max_length=20, required=False)
    progress = serializers.ChoiceField(choices=Progress.choices, required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")  # `from` is a Python keyword
        return fields

    def validate(self, attrs):
        for name in ("from", "to"):
            if attrs.get(name) and not 1900 <= attrs[name].year <= 2999:
                raise serializers.ValidationError({name: "Dates between 1900 and 2999."})
        if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": "to is before from."})
        return attrs


class ItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    status = serializers.IntegerField(help_text="201 created, 200 already there, 409 conflict, 400 invalid")
    external_id = serializers.CharField(allow_null=True)
    id = serializers.IntegerField(allow_null=True)
    errors = serializers.DictField(required=False)


class BulkOutSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    existing = serializers.IntegerField()
    conflicts = serializers.IntegerField()
    invalid = serializers.IntegerField()
    results = ItemResultSerializer(many=True)
