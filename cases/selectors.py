"""Reads of cases: the staff queues (keyset pages on the deadline), a case's entries, a customer's cases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Func, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from core.dates import day_end, day_start
from core.keyset import decode_cursor, encode_cursor
from customers.models import User

from .access import staff_case_condition
from .models import Case, CaseEntry, Team, TeamMember

VIEWS = ("mine", "team", "unassigned", "overdue", "all")
PAGE_SIZE = 30
# A tab's badge counts up to here and then says "99+": an exact count would read every open case.
COUNT_CAP = 99
# What a tab lists unless a status is chosen; the queues' partial indexes are on these statuses.
ACTIVE = Case.ACTIVE
# The columns the list shows (a case's description, up to 4,000 characters, is left in the table).
LIST_FIELDS = (
    "id", "kind", "priority", "title", "status", "opened_at", "due_at", "team_id", "assignee_id",
    "customer_id", "main_category_id",
    "customer__id", "customer__name",
    "team__id", "team__name", "team__day_starts_at", "team__day_ends_at",
    "assignee__id", "assignee__name",
    "main_category__id", "main_category__name",
)  # fmt: skip


@dataclass(frozen=True)
class CaseFilters:
    view: str = "mine"
    status: str = ""
    kind: str = ""
    priority: str = ""
    team_id: int | None = None
    q: str = ""
    include_closed: bool = False
    opened_from: dt.date | None = None  # Seoul days, both included (the analytics' drill-down)
    opened_to: dt.date | None = None


def my_team_ids(user: User) -> list[int]:
    return list(TeamMember.objects.filter(user=user).values_list("team_id", flat=True))


def _tab(*, user: User, view: str, teams: list[int]) -> QuerySet[Case]:
    """The rows of one tab. "Mine", "my team's" and "unassigned in my team" are cases the user has a
    part in by definition (they hold it, or their team does), so they skip the visibility test and
    read straight from their queue index; "overdue" and "all" keep it."""
    if view == "mine":
        return Case.objects.filter(assignee=user)
    if view == "team":
        return Case.objects.filter(team_id__in=teams)
    if view == "unassigned":
        return Case.objects.filter(team_id__in=teams, assignee__isnull=True)
    visible = Case.objects.filter(staff_case_condition(user))
    if view == "overdue":
        return visible.filter(status__in=Case.OPEN, due_at__lt=timezone.now())
    return visible


def case_queue(*, user: User, filters: CaseFilters, teams: list[int] | None = None) -> QuerySet[Case]:
    """The cases behind one tab of /staff/cases/, nearest deadline first."""
    teams = my_team_ids(user) if teams is None else teams
    qs = _tab(user=user, view=filters.view, teams=teams)
    if filters.status:
        qs = qs.filter(status=filters.status)
    elif not filters.include_closed and filters.view != "all":
        qs = qs.filter(status__in=ACTIVE)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.team_id:
        qs = qs.filter(team_id=filters.team_id)
    if filters.opened_from:
        qs = qs.filter(opened_at__gte=day_start(filters.opened_from))
    if filters.opened_to:
        qs = qs.filter(opened_at__lt=day_end(filters.opened_to))
    for word in filters.q.split()[:5]:
        # The customer's name as a semi-join (customer_id IN the few matching people), not a join:
        # with the join PostgreSQL matched and joined every one of the team's active cases before
        # sorting them (138 ms on 9,000); this way it sorts bare rows and joins only the page's 31.
        named = User.objects.filter(name__icontains=word).values("pk")
        qs = qs.filter(Q(title__icontains=word) | Q(customer_id__in=named))
    return qs


def case_page(
    *,
    user: User,
    filters: CaseFilters,
    cursor: str = "",
    size: int = PAGE_SIZE,
    teams: list[int] | None = None,
) -> tuple[list[Case], str | None]:
    """One keyset page on (due_at, id): the queue's index serves page 100 as fast as page 1."""
    qs = case_queue(user=user, filters=filters, teams=teams)
    position = decode_cursor(cursor) if cursor else None
    if position is not None:
        due, pk = position
        # due_at >= due is implied by the pair, and lets the index start there instead of at the top.
        qs = qs.filter(Q(due_at__gt=due) | Q(due_at=due, pk__gt=pk), due_at__gte=due)
    rows = list(
        qs.select_related("customer", "team", "assignee", "main_category")
        .only(*LIST_FIELDS)
        .order_by("due_at", "id")[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = encode_cursor(rows[-1].due_at, rows[-1].pk) if more and rows else None
    return rows, next_cursor


def case_queue_counts(*, user: User, teams: list[int] | None = None, cap: int = COUNT_CAP) -> dict[str, int]:
    """Open cases per tab, each counted only up to cap + 1 (shown as "99+"): four index scans that
    stop early, where one exact count over every case the user may see read the whole table. The
    four go to the database as one statement (one round trip instead of four)."""
    teams = my_team_ids(user) if teams is None else teams
    tabs = {
        view: _tab(user=user, view=view, teams=teams) for view in ("mine", "team", "unassigned", "overdue")
    }
    # (overdue already keeps to open cases; the same condition twice misleads the planner's estimate)
    for view in ("mine", "team", "unassigned"):
        tabs[view] = tabs[view].filter(status__in=Case.OPEN)
    using = tabs["mine"].db
    parts, params = [], []
    for qs in tabs.values():
        try:
            sql, part_params = qs.order_by().values("pk")[: cap + 1].query.get_compiler(using=using).as_sql()
        except EmptyResultSet:  # e.g. a team's tab for somebody in no team
            parts.append("0")
            continue
        # (the SQL is Django's own compilation of the queryset; every value stays a parameter)
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped)")  # noqa: S608
        params.extend(part_params)
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        row = cursor.fetchone()
    return dict(zip(tabs, row, strict=True))


def count_label(n: int, cap: int = COUNT_CAP) -> str:
    """A tab's badge: "" for none, "99+" past the cap."""
    if not n:
        return ""
    return f"{cap}+" if n > cap else str(n)


def case_entries(*, case: Case, public_only: bool) -> list[CaseEntry]:
    entries = case.entries.select_related("author", "from_team", "to_team")
    if public_only:
        entries = entries.filter(is_public=True)
    return list(entries.order_by("created_at", "id"))


def case_status_history(*, case: Case) -> list[tuple[dt.datetime, str]]:
    """When the case's status changed and to what: read from every entry, but only the status and
    the time, so a customer sees where the case stood without the internal notes and hand-offs."""
    history: list[tuple[dt.datetime, str]] = []
    for at, status in case.entries.order_by("created_at", "id").values_list("created_at", "status_after"):
        if not history or history[-1][1] != status:
            history.append((at, status))
    return history


def case_list_for_customer(*, customer: User, public_only: bool = True) -> QuerySet[Case]:
    """The customer's cases, newest first, each with its entries (only public ones unless asked)."""
    entries = CaseEntry.objects.select_related("author", "from_team", "to_team").order_by("created_at", "id")
    if public_only:
        entries = entries.filter(is_public=True)
    return (
        Case.objects.filter(customer=customer)
        .select_related("team", "main_category", "middle_category", "channel", "assignee")
        .prefetch_related(Prefetch("entries", queryset=entries))
        .order_by("-opened_at", "-id")
    )


def case_entries_for_customer(
    *,
    customer: User,
    before: dt.datetime | None = None,
    viewer: User | None = None,
    internal: bool = True,
) -> QuerySet[CaseEntry]:
    """Every step of every case of this customer, newest first (the staff timeline). With a
    `viewer`, only the cases that member of staff has a part in; `internal=False`: public steps only."""
    qs = CaseEntry.objects.filter(case__customer=customer)
    if viewer is not None:
        qs = qs.filter(case__in=Case.objects.filter(staff_case_condition(viewer)).values("pk"))
    if not internal:
        qs = qs.filter(is_public=True)
    if before is not None:
        qs = qs.filter(created_at__lt=before)
    return qs.select_related("case", "author", "from_team", "to_team").order_by("-created_at", "-id")


def team_list() -> QuerySet[Team]:
    """Every team with its open cases, counted per team by a subquery that reads only that team's
    open cases off the queue index (team, status, due_at, id) without touching the table: 6–8 ms on
    200,000 cases, where a count joined to the team rows read every case the bank ever had and one
    GROUP BY over the open cases read their rows from the table (35–50 ms, EXPLAIN ANALYZE)."""
    open_here = (
        Case.objects.filter(team=OuterRef("pk"), status__in=Case.OPEN)
        .order_by()
        .annotate(n=Func(F("id"), function="COUNT"))
        .values("n")
    )
    return (
        Team.objects.select_related("manager")
        .prefetch_related("members")
        .annotate(open_cases=Subquery(open_here, output_field=IntegerField()))
        .order_by("name")
    )
