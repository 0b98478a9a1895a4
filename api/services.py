"""Other channels' consultation records, from the JSON they post to the rows the history holds.

The API's part is its language: the serializer checks the shape, the codes it was sent (login
id, employee number, category codes) are resolved for the whole batch in a few queries, and the
outcome of each record becomes an HTTP status. Storing — the model's rules, idempotency on
`external_id`, the audit entry — is `consultations.services.consultations_import`, the same
write path every consultation takes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from rest_framework import serializers

from audit.models import AuditEntry
from audit.services import audit_write
from cases.models import Case, Team
from cases.services import OpenOutcome, case_open_once
from consultations.models import Consultation, MainCategory, MiddleCategory
from consultations.services import ImportOutcome, consultations_import
from core.bulk import any_of_sql, loaded
from customers.models import CustomerProfile, StaffProfile, User, profile_pk_from_customer_no
from customers.services import CustomerExists, customer_by_phone, customer_create_without_login

from .models import ApiClient
from .output import References
from .serializers import CaseInSerializer, ConsultationInSerializer

HTTP_STATUS = {
    ImportOutcome.CREATED: 201,
    ImportOutcome.STORED: 200,
    ImportOutcome.CONFLICT: 409,
    ImportOutcome.INVALID: 400,
}


@dataclass
class ItemResult:
    index: int
    status: int  # 201 created, 200 already stored, 409 conflict, 400 invalid, 403 out of scope
    external_id: str | None
    record: Consultation | None = None
    errors: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "index": self.index,
            "status": self.status,
            "external_id": self.external_id,
            "id": self.record.pk if self.record is not None else None,
        }
        if self.errors:
            out["errors"] = self.errors
        return out


class IdentityConflict(Exception):
    pass


OUT_OF_SCOPE = "This API client may not write records as this staff member (outside its scope)."
IDENTITY_CONFLICT = (
    "A customer with this phone number has a different name or birth date; nothing was stored. "
    "Check the identity, or send the customer_no."
)
# Model fields the caller resolves itself (the model's checks would look each one up again).
_REFERENCES = ("customer", "staff", "channel", "main_category", "middle_category", "source_client", "booking")


def _people_sql(part: int) -> str:
    """A customer's login id and profile, and whom the record answers as: the customer, or the
    customer its record was merged into (with that customer's profile, for its number)."""
    profile, user = CustomerProfile._meta.db_table, User._meta.db_table
    return (
        f"SELECT {part}, u.username, p.id, t.id, t.username, t.name, t.has_web_login, tp.id FROM {profile} p "  # noqa: S608
        f"JOIN {user} u ON u.id = p.user_id JOIN {user} t ON t.id = COALESCE(p.merged_into_id, p.user_id) "
        f"LEFT JOIN {profile} tp ON tp.user_id = t.id"
    )


def _answering(db: str, row: tuple) -> User:
    _part, _login, _profile, pk, username, name, has_web_login, profile_pk = row
    customer = loaded(User, db, id=pk, username=username, name=name, has_web_login=bool(has_web_login))
    if profile_pk is not None:
        customer.customer_profile = loaded(CustomerProfile, db, id=profile_pk, user_id=pk)
    return customer


@dataclass
class NamedCustomers:
    by_login: dict[str, User]
    by_number: dict[int, User]  # by customer-profile id (the number's digits)


def customers_named(*, logins: Iterable[str] = (), numbers: Iterable[int] = ()) -> NamedCustomers:
    """Customers named by web login id or by customer number, in one hand-written query (the
    ORM's select_related of three tables cost more to compile than to run, on every API request);
    a merged record answers with the record it was merged into. The customers come with the
    fields a record and its JSON read (id, login id, name, web login, customer number); others
    load on use."""
    logins, numbers = sorted(set(logins)), sorted(set(numbers))
    found = NamedCustomers({}, {})
    if not logins and not numbers:
        return found
    db = router.db_for_read(CustomerProfile)
    connection = connections[db]
    parts, params = [], []
    if logins:
        condition, values = any_of_sql(connection, "u.username", logins)
        parts.append(f"{_people_sql(1)} WHERE {condition} AND u.has_web_login")
        params.append(values)
    if numbers:
        condition, values = any_of_sql(connection, "p.id", numbers)
        parts.append(f"{_people_sql(2)} WHERE {condition}")
        params.append(values)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    for row in rows:
        if row[0] == 1:
            found.by_login[row[1]] = _answering(db, row)
        else:
            found.by_number[row[2]] = _answering(db, row)
    return found


def _known_customers(valid: list[tuple[int, dict]]) -> tuple[dict[str, User], dict[int, User]]:
    numbers = (profile_pk_from_customer_no(d["customer_no"]) for _, d in valid if d.get("customer_no"))
    found = customers_named(
        logins=(d["customer_id"] for _, d in valid if d.get("customer_id")),
        numbers=(n for n in numbers if n),
    )
    return found.by_login, found.by_number


def _staff_named(employee_numbers: set[str]) -> dict[str, StaffProfile]:
    """Staff profiles by employee number with their user (id, name, role), in one hand-written query."""
    if not employee_numbers:
        return {}
    db = router.db_for_read(StaffProfile)
    connection = connections[db]
    condition, values = any_of_sql(connection, "sp.employee_no", sorted(employee_numbers))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT sp.id, sp.employee_no, sp.branch_id, u.id, u.name, u.role "  # noqa: S608
            f"FROM {StaffProfile._meta.db_table} sp JOIN {User._meta.db_table} u ON u.id = sp.user_id "
            f"WHERE {condition}",
            [values],
        )
        rows = cursor.fetchall()
    found = {}
    for pk, employee_no, branch_id, user_pk, name, role in rows:
        profile = loaded(
            StaffProfile, db, id=pk, user_id=user_pk, employee_no=employee_no, branch_id=branch_id
        )
        profile.user = loaded(User, db, id=user_pk, name=name, role=role)
        profile.user.staff_profile = profile
        found[employee_no] = profile
    return found


def _same_person(customer: User, identity: dict[str, Any]) -> bool:
    profile = CustomerProfile.objects.get(user=customer)
    return customer.name == identity["name"].strip() and profile.birth_date == identity["birth_date"]


def customer_for_identity(*, identity: dict[str, Any], client: ApiClient, ip: str | None) -> User:
    """The customer with this mobile number, or a new one without a web login (audited as created
    by the client). Raises IdentityConflict when the number belongs to someone else by name or birth
    date. Concurrent posts for one new person race on the unique phone index: one creates, the
    others find it."""
    existing = customer_by_phone(identity["phone"])
    if existing is None:
        try:
            with transaction.atomic():
                created = customer_create_without_login(
                    name=identity["name"].strip(), birth_date=identity["birth_date"], phone=identity["phone"]
                )
                audit_write(
                    action=AuditEntry.Action.CREATE,
                    api_client_id=client.pk,
                    ip=ip,
                    customer=created,
                    target="api customer",
                    detail={"customer_no": created.customer_profile.customer_no},
                )
            return created
        except CustomerExists as exists:
            existing = exists.customer
    if not _same_person(existing, identity):
        raise IdentityConflict
    return existing


def _build(
    client: ApiClient, valid: list[tuple[int, dict]], results: list[ItemResult | None], ip: str | None
) -> list[tuple[int, Consultation]]:
    """Unsaved records with their references resolved; a code that resolves to nothing is a 400,
    an identity that contradicts the customer holding its phone number a 409."""
    by_login, by_number = _known_customers(valid)
    staff = _staff_named({d["employee_no"] for _, d in valid})
    refs = References.load()
    built: list[tuple[int, Consultation]] = []
    for index, data in valid:
        errors: dict[str, list[str]] = {}
        customer: User | None = None
        if data.get("customer_id"):
            customer = by_login.get(data["customer_id"])
            if customer is None:
                errors["customer_id"] = ["No customer with this login id."]
        elif data.get("customer_no"):
            customer = by_number.get(profile_pk_from_customer_no(data["customer_no"]) or 0)
            if customer is None:
                errors["customer_no"] = ["No customer with this customer number."]
        staff_profile = staff.get(data["employee_no"])
        staff_member = staff_profile.user if staff_profile is not None else None
        if staff_profile is not None and not client.may_write_as(
            role=staff_profile.user.role, branch_id=staff_profile.branch_id
        ):
            results[index] = ItemResult(
                index, 403, data["external_id"], errors={"employee_no": [OUT_OF_SCOPE]}
            )
            continue
        main_pk = refs.ids["main_category"].get(data["main_category"])
        middle_pk = refs.ids["middle_category"].get(data["middle_category"])
        if staff_member is None:
            errors["employee_no"] = ["No staff member with this employee number."]
        if main_pk is None:
            errors["main_category"] = ["Unknown main category code."]
        if middle_pk is None:
            errors["middle_category"] = ["Unknown middle category code."]
        if errors:
            results[index] = ItemResult(index, 400, data["external_id"], errors=errors)
            continue
        assert staff_member and main_pk and middle_pk
        new = Consultation(
            customer=customer,
            staff=staff_member,
            channel_id=client.channel_id,
            # Stand-ins carrying what the model's rules read, without a query per record.
            main_category=MainCategory(pk=main_pk),
            middle_category=MiddleCategory(pk=middle_pk, main_id=refs.middles[middle_pk][2]),
            title=data["title"],
            notes=data["notes"],
            progress=data["progress"],
            follow_up_needed=data["follow_up"],
            occurred_at=data["occurred_at"],
            source_client=client,
            external_id=data["external_id"],
        )
        if customer is None:
            # A new customer only for a record that will be stored: check the record's rules first.
            try:
                new.clean_fields(exclude=_REFERENCES)
                new.clean()
                new.customer = customer_for_identity(identity=data["customer"], client=client, ip=ip)
            except ValidationError as exc:
                results[index] = ItemResult(index, 400, data["external_id"], errors=exc.message_dict)
                continue
            except IdentityConflict:
                results[index] = ItemResult(
                    index, 409, data["external_id"], errors={"customer": [IDENTITY_CONFLICT]}
                )
                continue
        built.append((index, new))
    return built


# The API's field names for the model's (the rest are the same).
_API_FIELD = {"follow_up_needed": "follow_up", "customer": "customer_id", "staff": "employee_no"}


def consultations_ingest(*, client: ApiClient, records: list[Any], ip: str | None = None) -> list[ItemResult]:
    results: list[ItemResult | None] = [None] * len(records)
    valid: list[tuple[int, dict]] = []
    # One serializer validates every record: building one per record (DRF deep-copies its
    # fields each time) was most of the cost of a 1,000-record bulk.
    validator = ConsultationInSerializer()
    for index, raw in enumerate(records):
        try:
            valid.append((index, validator.run_validation(raw)))
        except serializers.ValidationError as error:
            external_id = raw.get("external_id") if isinstance(raw, dict) else None
            detail = error.detail if isinstance(error.detail, dict) else {"non_field_errors": error.detail}
            results[index] = ItemResult(
                index, 400, external_id if isinstance(external_id, str) else None, errors=detail
            )
    built = _build(client, valid, results, ip)
    stored = consultations_import(records=[c for _, c in built], ip=ip)
    for (index, new), outcome in zip(built, stored, strict=True):
        errors = {_API_FIELD.get(name, name): messages for name, messages in outcome.errors.items()}
        results[index] = ItemResult(
            index, HTTP_STATUS[outcome.outcome], new.external_id, outcome.record, errors
        )
    return [r for r in results if r is not None]


@dataclass
class CaseResult:
    status: int  # 201 opened, 200 already received (same external_id), 400 invalid, 403 out of scope
    case: Case | None = None
    errors: dict[str, Any] = field(default_factory=dict)


def case_ingest(*, client: ApiClient, data: dict[str, Any], ip: str | None = None) -> CaseResult:
    """Another channel's complaint or request, opened once per external id (cases.services)."""
    body = CaseInSerializer(data=data)
    if not body.is_valid():
        return CaseResult(400, errors=dict(body.errors))
    fields = body.validated_data
    existing = Case.objects.filter(source_client=client, external_id=fields["external_id"]).first()
    if existing is not None:
        return CaseResult(200, existing)
    errors: dict[str, list[str]] = {}
    customer = User.objects.filter(username=fields["customer_id"], role=User.Role.CUSTOMER).first()
    team = Team.objects.filter(code=fields["team"], is_active=True).first()
    main = MainCategory.objects.filter(code=fields["main_category"]).first()
    middle = None
    if fields.get("middle_category"):
        middle = MiddleCategory.objects.filter(code=fields["middle_category"]).first()
        if middle is None:
            errors["middle_category"] = ["Unknown middle category code."]
    staff = None
    if fields.get("employee_no"):
        profile = (
            StaffProfile.objects.filter(employee_no=fields["employee_no"]).select_related("user").first()
        )
        staff = profile.user if profile is not None else None
        if staff is None:
            errors["employee_no"] = ["No staff member with this employee number."]
        elif profile is not None and not client.may_write_as(role=staff.role, branch_id=profile.branch_id):
            return CaseResult(403, errors={"employee_no": [OUT_OF_SCOPE]})
    if customer is None:
        errors["customer_id"] = ["No customer with this login id."]
    if team is None:
        errors["team"] = ["No active team with this code."]
    if main is None:
        errors["main_category"] = ["Unknown main category code."]
    if errors:
        return CaseResult(400, errors=errors)
    assert customer is not None and team is not None and main is not None
    try:
        result = case_open_once(
            source_client_id=client.pk,
            external_id=fields["external_id"],
            customer=customer,
            kind=fields["kind"],
            priority=fields["priority"],
            title=fields["title"],
            description=fields["description"],
            team=team,
            main_category=main,
            middle_category=middle,
            channel=client.channel,
            by=staff,
            ip=ip,
        )
    except ValidationError as error:
        return CaseResult(
            400,
            errors=error.message_dict
            if hasattr(error, "error_dict")
            else {"non_field_errors": error.messages},
        )
    return CaseResult(201 if result.outcome is OpenOutcome.CREATED else 200, result.case)
