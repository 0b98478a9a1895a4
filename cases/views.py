"""Case pages: the staff queues, opening a case, the case page and its steps, teams, the customer's list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape as escape_html

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AuditEntry
from audit.services import audit_record
from consultations.access import consultation_get_for_user
from consultations.selectors import consultation_list_for_customer
from core.business_hours import BusinessClock, Day
from core.highlight import highlight
from core.request import client_ip
from customers.access import customer_get_for_user
from customers.roles import AuthenticatedRequest, customer_required, manager_required, staff_required
from inquiries.access import inquiry_get_for_user
from inquiries.selectors import inquiry_list_for_customer

from . import services
from .access import case_get_for_user, case_visible_to, team_get_for_user
from .due import Due, case_due
from .forms import CaseFilterForm, CaseOpenForm, CloseForm, EntryForm, ReturnForm, TeamForm, TransferForm
from .models import Case, Team
from .selectors import (
    VIEWS,
    CaseFilters,
    case_entries,
    case_list_for_customer,
    case_page,
    case_queue_counts,
    case_status_history,
    count_label,
    my_team_ids,
    team_list,
)

HISTORY_ROWS = 8


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


STATUS_BADGES = {
    Case.Status.CLOSED: "text-bg-secondary",
    Case.Status.ANSWERED: "text-bg-success",
    Case.Status.RETURNED: "text-bg-warning",
    Case.Status.IN_PROGRESS: "text-bg-primary",
    Case.Status.RECEIVED: "text-bg-info",
}
ROW_CLASSES = {"overdue": "table-danger", "near": "table-warning"}


@dataclass(frozen=True)
class ListRow:
    """One line of the queue, with its labels worked out here: the template only prints them."""

    case: Case
    due: Due
    row_class: str
    status_badge: str
    status_label: str
    kind_label: str
    priority_label: str
    due_at: str
    urgent: bool
    url: str
    html: SafeString  # the whole <tr>


_STAND_IN = 987654321987


class _Labels:
    """The choice labels of one page, translated once (a get_FOO_display per row and column
    rebuilt the field's choices and translated the label again: a third of the rows' cost)."""

    def __init__(self) -> None:
        self.status = {value: str(label) for value, label in Case.Status.choices}
        self.kind = {value: str(label) for value, label in Case.Kind.choices}
        self.priority = {value: str(label) for value, label in Case.Priority.choices}
        # a case's URL is the same but for its id: resolved once with a stand-in id, the id put in per row
        self.url = reverse("staff:case_detail", args=[_STAND_IN]).replace(str(_STAND_IN), "{pk}")
        self.clocks: dict[Day, BusinessClock] = {}  # business hours, added up once per working day


DUE_BADGES = {"overdue": "text-bg-danger", "near": "text-bg-warning"}
DUE_ICONS = {
    "overdue": SafeString('<i class="bi bi-alarm" aria-hidden="true"></i> '),
    "near": SafeString('<i class="bi bi-hourglass-split" aria-hidden="true"></i> '),
}


def _due_cell(due: Due, due_at: str) -> SafeString:
    if due.state == "done":
        return format_html('<span class="small text-muted">{}</span>', due.label)
    return format_html(
        '<span class="badge {} oh-due" title="{}">{}{}</span>',
        DUE_BADGES.get(due.state, "text-bg-light"),
        due_at,
        DUE_ICONS.get(due.state, ""),
        due.label,
    )


ROW_HTML = (
    '<tr class="{}" data-case="{}">'
    '<td class="small text-nowrap">{}</td>'
    '<td><span class="badge {}">{}</span></td>'
    '<td><a class="fw-semibold" href="{}">{}</a>{}</td>'
    '<td class="text-nowrap">{}</td>'
    '<td class="small">{} · {}</td>'
    '<td class="small text-nowrap">{}</td>'
    '<td class="small text-nowrap">{}</td>'
    '<td class="text-nowrap">{}</td>'
    "</tr>"
)


def _list_row(case: Case, now: dt.datetime, labels: _Labels, q: str = "") -> ListRow:
    due = case_due(case, now, labels.clocks)
    due_at = f"{timezone.localtime(case.due_at):%Y-%m-%d %H:%M}"
    urgent = case.priority in (Case.Priority.URGENT, Case.Priority.HIGH)
    url = labels.url.format(pk=case.pk)
    row_class = ROW_CLASSES.get(due.state, "")
    status_badge = STATUS_BADGES.get(case.status, "text-bg-info")  # type: ignore[call-overload]
    status_label = labels.status.get(case.status, case.status)
    kind_label = labels.kind.get(case.kind, case.kind)
    priority_label = labels.priority.get(case.priority, case.priority)
    # The row's HTML is put together here: thirty rows of template variables, filters and
    # conditions were most of the queue's CPU time. Every value is escaped as format_html would
    # (html.escape, safe strings kept), without its per-argument lazy-string wrappers.
    html = SafeString(
        ROW_HTML.format(
            *(
                value if isinstance(value, SafeString) else escape_html(str(value))
                for value in (
                    row_class,
                    case.pk,
                    case.number,
                    status_badge,
                    status_label,
                    url,
                    highlight(Truncator(case.title).chars(40), q),
                    format_html(
                        ' <span class="badge text-bg-danger-subtle text-danger-emphasis">{}</span>',
                        priority_label,
                    )
                    if urgent
                    else "",
                    highlight(case.customer.name, q),
                    kind_label,
                    case.main_category.name,
                    case.team.name,
                    case.assignee.name if case.assignee and case.assignee.name else "—",
                    _due_cell(due, due_at),
                )
            )
        )
    )
    return ListRow(
        case=case,
        due=due,
        row_class=row_class,
        status_badge=status_badge,
        status_label=status_label,
        kind_label=kind_label,
        priority_label=priority_label,
        due_at=due_at,
        urgent=urgent,
        url=url,
        html=html,
    )


@staff_required
def case_list_view(request: AuthenticatedRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    view = data.get("view") or "mine"
    if view not in VIEWS:
        view = "mine"
    team = data.get("team")
    filters = CaseFilters(
        view=view,
        status=data.get("status", ""),
        kind=data.get("kind", ""),
        priority=data.get("priority", ""),
        team_id=team.pk if team else None,
        q=data.get("q", ""),
        opened_from=data.get("opened_from"),
        opened_to=data.get("opened_to"),
    )
    teams = my_team_ids(request.user)
    rows, next_cursor = case_page(
        user=request.user, filters=filters, cursor=request.GET.get("after", ""), teams=teams
    )
    now = timezone.now()
    query = request.GET.copy()
    query.pop("after", None)
    counts = case_queue_counts(user=request.user, teams=teams)
    labels = _Labels()
    context = {
        "form": form,
        "view": view,
        "rows": [_list_row(case, now, labels, filters.q) for case in rows],
        "query": query.urlencode(),
        "is_first_page": not request.GET.get("after"),
        "next_cursor": next_cursor,
        "cursor_param": "after",
        "next_label": _("다음 페이지"),
        # (tab, label, badge colour, badge: open cases, "99+" past the cap, empty when none)
        "views": [
            ("mine", _("내 담당"), "secondary", count_label(counts["mine"])),
            ("team", _("우리 팀"), "secondary", count_label(counts["team"])),
            ("unassigned", _("팀 미배정"), "info", count_label(counts["unassigned"])),
            ("overdue", _("기한 초과"), "danger", count_label(counts["overdue"])),
            ("all", _("전체"), "", ""),
        ],
    }
    return render(request, "cases/case_list.html", context)


@staff_required
def case_create_view(request: AuthenticatedRequest, customer_id: int) -> HttpResponse:
    """Open a case for a customer: from their page, from a consultation note or from an inquiry."""
    customer = customer_get_for_user(user=request.user, pk=customer_id)
    source = request.POST if request.method == "POST" else request.GET
    consultation = inquiry = None
    initial: dict[str, object] = {}
    try:
        if source.get("consultation"):
            consultation = consultation_get_for_user(user=request.user, pk=int(source["consultation"]))
            initial = {
                "title": consultation.title,
                "description": consultation.notes,
                "main_category": consultation.main_category_id,
                "middle_category": consultation.middle_category_id,
                "channel": consultation.channel_id,
            }
        elif source.get("inquiry"):
            inquiry = inquiry_get_for_user(user=request.user, pk=int(source["inquiry"]))
            initial = {
                "title": inquiry.title,
                "main_category": inquiry.main_category_id,
                "middle_category": inquiry.middle_category_id,
                "channel": None,
            }
    except ValueError as exc:
        raise Http404 from exc
    if (consultation or inquiry) and (consultation or inquiry).customer_id != customer.pk:  # type: ignore[union-attr]
        raise Http404
    if not initial.get("channel") and hasattr(request.user, "staff_profile"):
        initial["channel"] = request.user.staff_profile.channel_id
    form = CaseOpenForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(
                customer=customer,
                by=request.user,
                source_consultation=consultation,
                source_inquiry=inquiry,
                ip=client_ip(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(
                request,
                _("접수번호 %(number)s 로 %(team)s에 보냈고 손님에게 문자를 보냈습니다.")
                % {"number": case.number, "team": case.team.name},
            )
            return redirect("staff:case_detail", pk=case.pk)
    context = {"form": form, "customer": customer, "consultation": consultation, "inquiry": inquiry}
    return render(request, "cases/case_form.html", context)


@staff_required
def case_detail_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    audit_record(request=request, action=AuditEntry.Action.VIEW, customer=case.customer, target=f"case:{pk}")
    may_work = services.may_work(case=case, user=request.user)
    context = {
        "case": case,
        "due": case_due(case, timezone.now()),
        "entries": case_entries(case=case, public_only=False),
        "may_work": may_work,
        "transfer_form": TransferForm(exclude_team=case.team_id),
        "return_form": ReturnForm(),
        "note_form": EntryForm(),
        "answer_form": EntryForm(),
        "close_form": CloseForm(),
        "consultations": list(consultation_list_for_customer(customer=case.customer)[:HISTORY_ROWS]),
        "inquiries": list(inquiry_list_for_customer(customer=case.customer)[:HISTORY_ROWS]),
        "other_cases": list(
            case_list_for_customer(customer=case.customer).exclude(pk=case.pk)[:HISTORY_ROWS]
        ),
    }
    return render(request, "cases/case_detail.html", context)


@staff_required
@require_POST
def case_action_view(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    done = {
        "accept": _("이 사건을 맡았습니다."),
        "transfer": _("다른 팀으로 이관했습니다."),
        "return": _("보낸 사람에게 반려했습니다."),
        "note": _("내부 메모를 남겼습니다."),
        "answer": _("답변을 등록했고 손님에게 문자를 보냈습니다."),
        "close": _("종결했고 손님에게 문자를 보냈습니다."),
    }
    if action not in done:
        raise Http404
    try:
        if action == "accept":
            services.case_accept(case=case, by=request.user)
        elif action == "transfer":
            form = TransferForm(request.POST, exclude_team=case.team_id)
            if not form.is_valid():
                raise ValidationError(_("보낼 팀과 이관 메모를 입력해 주세요."))
            services.case_transfer(
                case=case, team=form.cleaned_data["team"], note=form.cleaned_data["note"], by=request.user
            )
        elif action == "return":
            services.case_return(case=case, reason=request.POST.get("reason", ""), by=request.user)
        elif action == "note":
            services.case_note(case=case, body=request.POST.get("body", ""), by=request.user)
        elif action == "answer":
            services.case_answer(case=case, body=request.POST.get("body", ""), by=request.user)
        else:
            services.case_close(case=case, by=request.user, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, done[action])
    if action in ("transfer", "return") and not case_visible_to(case=case, user=request.user):
        return redirect("staff:cases")
    return redirect("staff:case_detail", pk=pk)


@manager_required
def team_list_view(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "cases/team_list.html", {"teams": team_list()})


@manager_required
def team_edit_view(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    team: Team | None = team_get_for_user(user=request.user, pk=pk) if pk is not None else None
    initial = {}
    if team is not None:
        initial = {
            "name": team.name,
            "code": team.code,
            "description": team.description,
            "manager": team.manager_id,
            "members": list(team.members.values_list("pk", flat=True)),
            "is_active": team.is_active,
            "day_starts_at": team.day_starts_at,
            "day_ends_at": team.day_ends_at,
        }
    form = TeamForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.team_save(team=team, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, _errors(error))
        else:
            messages.success(request, _("%(name)s 팀을 저장했습니다.") % {"name": saved.name})
            return redirect("staff:teams")
    return render(request, "cases/team_form.html", {"form": form, "team": team})


@customer_required
def me_cases_view(request: AuthenticatedRequest) -> HttpResponse:
    """The customer's cases with their status and the bank's public answers (never internal notes)."""
    cases = list(case_list_for_customer(customer=request.user, public_only=True)[:100])
    return render(request, "cases/me_cases.html", {"cases": cases, "open_statuses": Case.OPEN})


@customer_required
def me_case_detail_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One of the customer's own cases (another customer's is 404): where it stands, the bank's
    public answers and when its status changed. Internal notes and hand-offs are never shown."""
    case = case_get_for_user(user=request.user, pk=pk)
    labels = dict(Case.Status.choices)
    context = {
        "case": case,
        "entries": case_entries(case=case, public_only=True),
        "history": [(at, labels.get(status, status)) for at, status in case_status_history(case=case)],
        "is_open": case.is_open,
    }
    return render(request, "cases/me_case_detail.html", context)
