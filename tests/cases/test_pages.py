"""The case pages in the browser's terms: who gets what, and what each step looks like."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Team
from cases.selectors import CaseFilters, case_page
from cases.services import case_answer, case_note
from consultations.models import Consultation, MiddleCategory
from customers.models import User
from inquiries.models import Inquiry
from messaging.models import Message

from .conftest import KST, at


@pytest.fixture
def case(open_complaint) -> Case:
    return open_complaint()


# --- who may see a case ----------------------------------------------------------------------------
def test_the_case_page_is_for_those_with_a_part_in_it(client, case, agent, teller, manager, card_members):
    url = reverse("staff:case_detail", args=[case.pk])
    for person, status in ((agent, 200), (card_members[0], 200), (manager, 200), (teller, 404)):
        client.force_login(person)
        assert client.get(url).status_code == status, person.username


def test_customers_and_anonymous_never_reach_the_staff_case_page(client, case, customer, other_customer):
    url = reverse("staff:case_detail", args=[case.pk])
    assert client.get(url).url.startswith("/accounts/login/")
    for person in (customer, other_customer):
        client.force_login(person)
        assert client.get(url).status_code == 403


def test_my_cases_shows_the_owner_public_answers_only(client, case, customer, other_customer, card_members):
    case_note(case=case, body="내부 메모: 녹취 확인 필요", by=card_members[0])
    case_answer(case=case, body="연회비 환급을 결정했습니다", by=card_members[0])
    client.force_login(customer)
    page = client.get(reverse("me:cases")).content.decode()
    assert case.title in page and "연회비 환급을 결정했습니다" in page and case.number in page
    assert "녹취 확인" not in page
    client.force_login(other_customer)
    page = client.get(reverse("me:cases")).content.decode()
    assert case.title not in page and "접수된 민원이나 요청이 없습니다" in page


def test_my_case_page_shows_status_answers_and_history_but_no_internal_note(
    client, case, customer, other_customer, card_members, teller, frozen_now
):
    from cases.services import case_accept

    frozen_now(at(dt.date(2026, 11, 23), 11))
    case_accept(case=case, by=card_members[0])
    case_note(case=case, body="내부 메모: 녹취 확인 필요", by=card_members[0])
    frozen_now(at(dt.date(2026, 11, 24), 15))
    case_answer(case=case, body="연회비 환급을 결정했습니다", by=card_members[0])
    url = reverse("me:case_detail", args=[case.pk])
    client.force_login(customer)
    assert f'href="{url}"' in client.get(reverse("me:cases")).content.decode()
    page = client.get(url).content.decode()
    assert case.number in page and case.title in page and "민원" in page and "카드" in page
    assert "연회비 환급을 결정했습니다" in page
    assert "녹취 확인" not in page and "연회비가 두 번 청구되었다고" not in page  # notes, the agent's text
    history = page.split('data-testid="case-history"')[1]
    assert [s for s in ("접수", "처리중", "답변완료") if s in history] == ["접수", "처리중", "답변완료"]
    assert history.index("접수") < history.index("처리중") < history.index("답변완료")
    assert "2026-11-24 15:00" in history
    assert "처리가 끝났습니다" in page  # answered: no deadline any more
    for person, status in ((other_customer, 404), (teller, 403)):
        client.force_login(person)
        assert client.get(url).status_code == status, person.username
    client.logout()
    assert client.get(url).url.startswith("/accounts/login/")


def test_my_open_case_shows_its_deadline(client, case, customer):
    client.force_login(customer)
    page = client.get(reverse("me:case_detail", args=[case.pk])).content.decode()
    assert timezone.localtime(case.due_at).strftime("%Y-%m-%d") in page
    assert "답변이 등록되면 문자로 알려 드립니다" in page


def test_staff_cannot_act_on_a_case_of_another_team(client, case, teller):
    client.force_login(teller)
    response = client.post(reverse("staff:case_action", args=[case.pk, "accept"]))
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.assignee is None


# --- the queue --------------------------------------------------------------------------------------
def test_the_team_queue_shows_due_time_in_business_hours_and_highlights(
    client, open_complaint, card_members, frozen_now
):
    monday = at(dt.date(2026, 11, 23), 10)
    fresh = open_complaint(monday, title="새로 들어온 건")
    old = open_complaint(monday - dt.timedelta(days=7), title="지난주 건")  # due Thursday 19th: late
    near = open_complaint(at(dt.date(2026, 11, 18), 15), title="곧 기한")  # due Monday 23rd 15:00
    frozen_now(monday)
    client.force_login(card_members[0])
    page = client.get(reverse("staff:cases"), {"view": "unassigned"}).content.decode()
    for c in (fresh, old, near):
        assert c.title in page
    assert "27시간 남음" in page  # the fresh one: three banking days
    assert "5시간 남음" in page  # Monday 10:00 → 15:00
    assert "table-warning" in page and "table-danger" in page
    assert (
        page.index("지난주 건") < page.index("곧 기한") < page.index("새로 들어온 건")
    )  # nearest deadline first


def test_the_queue_filters_and_pages_by_keyset(client, open_complaint, card_members, frozen_now):
    for n in range(3):
        open_complaint(at(dt.date(2026, 11, 23), 10 + n), title=f"민원 {n}")
    open_complaint(at(dt.date(2026, 11, 23), 14), title="요청 건", kind=Case.Kind.REQUEST)
    client.force_login(card_members[0])
    url = reverse("staff:cases")
    page = client.get(url, {"view": "team", "kind": "request"}).content.decode()
    assert "요청 건" in page and "민원 0" not in page
    filters = CaseFilters(view="team", kind="complaint")
    rows, cursor = case_page(user=card_members[0], filters=filters, size=2)
    assert [r.title for r in rows] == ["민원 0", "민원 1"] and cursor
    rows, cursor = case_page(user=card_members[0], filters=filters, cursor=cursor, size=2)
    assert [r.title for r in rows] == ["민원 2"] and cursor is None
    page = client.get(url, {"view": "team", "kind": "complaint", "after": "not-a-cursor"})
    assert page.status_code == 200  # a mangled cursor is the first page, not an error


def test_an_empty_queue_says_so(client, teller):
    client.force_login(teller)
    assert "표시할 사건이 없습니다" in client.get(reverse("staff:cases")).content.decode()


# --- opening and working a case through the pages -----------------------------------------------------
def test_an_agent_opens_a_case_from_a_consultation_and_the_team_works_it(
    client, customer, agent, card_members, frozen_now, outbox, django_capture_on_commit_callbacks
):
    frozen_now(dt.datetime(2026, 11, 23, 11, tzinfo=KST))
    consultation = Consultation.objects.filter(customer=customer).first()
    card = Team.objects.get(code="card")
    middle = MiddleCategory.objects.get(code="0401")
    client.force_login(agent)
    url = reverse("staff:case_create", args=[customer.pk])
    form = client.get(url, {"consultation": consultation.pk}).content.decode()
    assert consultation.title in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "consultation": consultation.pk,
                "kind": "complaint",
                "priority": "normal",
                "team": card.pk,
                "main_category": middle.main_id,
                "middle_category": middle.pk,
                "title": "카드 한도 임의 축소 항의",
                "description": "사전 안내 없이 한도가 줄었다는 항의",
            },
        )
    case = Case.objects.get(title="카드 한도 임의 축소 항의")
    assert response.url == reverse("staff:case_detail", args=[case.pk])
    assert case.source_consultation == consultation and case.opened_by == agent
    assert Message.objects.get(idempotency_key=f"case:{case.pk}:opened").status == Message.Status.SENT

    member = card_members[0]
    client.force_login(member)
    client.post(reverse("staff:case_action", args=[case.pk, "accept"]))
    client.post(
        reverse("staff:case_action", args=[case.pk, "answer"]), {"body": "한도를 원래대로 복구했습니다"}
    )
    client.post(reverse("staff:case_action", args=[case.pk, "close"]), {"note": ""})
    case.refresh_from_db()
    assert (case.status, case.assignee) == (Case.Status.CLOSED, member)
    page = client.get(reverse("staff:case_detail", args=[case.pk])).content.decode()
    assert "한도를 원래대로 복구했습니다" in page and "종결" in page


def test_a_consultation_note_with_the_case_option_leads_to_the_case_form(client, customer, teller):
    client.force_login(teller)
    form = client.get(reverse("staff:consultation_create", args=[customer.pk])).content.decode()
    assert "민원/요청 접수" in form
    middle = MiddleCategory.objects.get(code="0601")
    response = client.post(
        reverse("staff:consultation_create", args=[customer.pk]),
        {
            "main_category": str(middle.main_id),
            "middle_category": str(middle.pk),
            "channel": str(teller.staff_profile.channel_id),
            "title": "창구 대기시간 불만",
            "notes": "40분 대기 후 항의",
            "progress": "received",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "open_case": "on",
        },
    )
    note = Consultation.objects.get(title="창구 대기시간 불만")
    assert response.url == reverse("staff:case_create", args=[customer.pk]) + f"?consultation={note.pk}"
    page = client.get(response.url).content.decode()
    assert "창구 대기시간 불만" in page and "40분 대기 후 항의" in page


def test_a_return_without_a_reason_is_refused_with_a_message(client, case, card_members):
    client.force_login(card_members[0])
    response = client.post(
        reverse("staff:case_action", args=[case.pk, "return"]), {"reason": ""}, follow=True
    )
    assert "반려 사유를 입력해 주세요" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED


def test_a_case_opens_from_an_inquiry_of_that_customer_only(client, customer, other_customer, agent):
    middle = MiddleCategory.objects.get(code="0401")
    inquiry = Inquiry.objects.create(
        customer=customer,
        title="카드 결제일 변경 요청",
        main_category=middle.main,
        middle_category=middle,
        body="<p>결제일을 바꾸고 싶어요</p>",
        sla_due_at=at(dt.date(2026, 11, 24), 10),
    )
    client.force_login(agent)
    assert (
        client.get(reverse("staff:case_create", args=[customer.pk]), {"inquiry": inquiry.pk}).status_code
        == 200
    )
    assert (
        client.get(
            reverse("staff:case_create", args=[other_customer.pk]), {"inquiry": inquiry.pk}
        ).status_code
        == 404
    )


# --- teams ------------------------------------------------------------------------------------------
def test_a_manager_edits_a_team_and_its_members(client, manager, teller):
    card = Team.objects.get(code="card")
    client.force_login(manager)
    assert "카드팀" in client.get(reverse("staff:teams")).content.decode()
    members = list(card.members.values_list("pk", flat=True))
    response = client.post(
        reverse("staff:team_edit", args=[card.pk]),
        {
            "name": "카드팀",
            "code": "card",
            "description": "카드 민원",
            "manager": members[0],
            "members": [*members, teller.pk],
            "day_starts_at": "08:30",
            "day_ends_at": "17:30",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert teller in card.members.all()
    card.refresh_from_db()
    assert card.working_day == (dt.time(8, 30), dt.time(17, 30))
    assert "08:30~17:30" in client.get(reverse("staff:teams")).content.decode()
    assert 'value="08:30"' in client.get(reverse("staff:team_edit", args=[card.pk])).content.decode()


def test_a_team_day_that_ends_before_it_starts_is_refused_and_nothing_changes(client, manager):
    card = Team.objects.get(code="card")
    client.force_login(manager)
    response = client.post(
        reverse("staff:team_edit", args=[card.pk]),
        {
            "name": "카드팀",
            "code": "card",
            "day_starts_at": "18:00",
            "day_ends_at": "09:00",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "업무 종료 시각은 시작 시각보다 늦어야 합니다" in response.content.decode()
    card.refresh_from_db()
    assert card.working_day == (dt.time(9), dt.time(18)) and card.members.count() == 2


def test_only_managers_edit_teams(client, agent):
    client.force_login(agent)
    assert client.get(reverse("staff:teams")).status_code == 403
    assert User.objects.filter(team_memberships__team__code="card").count() == 2


def test_the_customer_page_timeline_shows_each_step_of_a_case_to_those_with_a_part(
    client, case, customer, agent, teller, card_members
):
    from cases.services import case_return

    case_return(case=case, reason="여신팀 소관으로 보임", by=card_members[0])
    client.force_login(agent)
    page = client.get(reverse("staff:customer_detail", args=[customer.pk])).content.decode()
    assert f"[{case.number}] {case.title}" in page
    assert "여신팀 소관으로 보임" in page and "카드팀 → 컨택센터" in page
    client.force_login(teller)
    page = client.get(reverse("staff:customer_detail", args=[customer.pk])).content.decode()
    assert f"[{case.number}]" not in page  # (the SMS sent to the customer is in every timeline)


def test_tab_counts_stop_at_the_cap_and_say_so(client, open_complaint, card_members, frozen_now, monkeypatch):
    from cases import selectors

    for day in (23, 24, 25):
        open_complaint(at(dt.date(2026, 11, day), 10))
    counts = selectors.case_queue_counts(user=card_members[0], cap=2)
    assert counts["team"] == 3 and counts["unassigned"] == 3 and counts["mine"] == 0  # cap + 1: "more than 2"
    assert [selectors.count_label(n, 2) for n in (0, 2, 3)] == ["", "2", "2+"]
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    monkeypatch.setattr(selectors.case_queue_counts, "__kwdefaults__", {"teams": None, "cap": 2})
    monkeypatch.setattr(selectors.count_label, "__defaults__", (2,))
    client.force_login(card_members[0])
    page = client.get(reverse("staff:cases"), {"view": "team"}).content.decode()
    assert '<span class="badge text-bg-secondary">2+</span>' in page


def test_a_queue_row_shows_labels_in_korean_escapes_the_title_and_links_the_case(
    client, open_complaint, card_members, frozen_now
):
    urgent = open_complaint(title='<b>급함</b> "카드" 분실', priority=Case.Priority.URGENT)
    normal = open_complaint(at(dt.date(2026, 11, 23), 11), title="가" * 45)
    client.force_login(card_members[0])
    page = client.get(reverse("staff:cases"), {"view": "team"}).content.decode()
    row = page[page.index(f'data-case="{urgent.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "&lt;b&gt;급함&lt;/b&gt; &quot;카드&quot; 분실" in row and "<b>" not in row
    assert f'href="{urgent.get_absolute_url()}"' in row
    assert ">접수<" in row and "민원 · " in row and ">긴급<" in row and "카드팀" in row and ">—<" in row
    assert "complaint" not in row and "received" not in row
    other = page[page.index(f'data-case="{normal.pk}"') :]
    other = other[: other.index("</tr>")]
    assert "가" * 39 + "…" in other and "가" * 40 not in other  # the title cut at 40 characters
    assert ">보통<" not in other  # only urgent and high priorities carry a badge


def test_the_queue_runs_the_same_queries_for_two_rows_or_many(
    client, open_complaint, card_members, frozen_now, django_assert_max_num_queries
):
    client.force_login(card_members[0])
    url = reverse("staff:cases")
    open_complaint()
    client.get(url, {"view": "team"})
    # session, user, my teams, the page, the four tab counts in one statement, the team filter
    with django_assert_max_num_queries(6):
        client.get(url, {"view": "team"})
    for hour in range(11, 17):
        open_complaint(at(dt.date(2026, 11, 23), hour))
    with django_assert_max_num_queries(6):
        page = client.get(url, {"view": "team"}).content.decode()
    assert page.count("data-case=") == 7


def test_the_team_list_counts_each_teams_open_cases(client, manager, open_complaint, card_members):
    from cases.selectors import team_list
    from cases.services import case_accept, case_answer, case_close

    cases = [open_complaint(at(dt.date(2026, 11, 23), 10 + n)) for n in range(3)]
    case_accept(case=cases[0], by=card_members[0])
    case_answer(case=cases[0], body="처리했습니다", by=card_members[0])  # answered: no longer open
    case_close(case=cases[0], by=card_members[0])
    counts = {team.code: team.open_cases for team in team_list()}
    assert counts["card"] == 2 and counts["contact"] == 0
    client.force_login(manager)
    page = client.get(reverse("staff:teams")).content.decode()
    card_row = page[page.index("카드팀") :]
    assert "<td>2</td>" in card_row[: card_row.index("</tr>")]
