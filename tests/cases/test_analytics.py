"""Case analytics: per team and type, time to resolution in business hours, overdue rate, transfers."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.urls import reverse

from analytics.tables import build_table
from cases.models import Team
from cases.services import case_answer, case_close, case_transfer
from consultations.counts import Period

from .conftest import at

PARAMS = {"date_from": "2026-11-01", "date_to": "2026-11-30", "granularity": "month"}


def _scope():
    from analytics.tables import Scope

    return Scope(period=Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30), "month"))


def test_it_counts_cases_per_team_with_business_hour_resolution(open_complaint, card_members, frozen_now):
    monday = at(dt.date(2026, 11, 23), 10)
    quick = open_complaint(monday, title="빠른 건")
    slow = open_complaint(monday, title="느린 건")
    open_complaint(monday - dt.timedelta(days=14), title="방치된 건")  # overdue, unresolved
    member = card_members[0]
    frozen_now(monday + dt.timedelta(hours=2))
    case_answer(case=quick, body="처리", by=member)
    case_close(case=quick, by=member)
    frozen_now(at(dt.date(2026, 11, 27), 10))  # Friday: 36 business hours after Monday 10:00, late
    case_transfer(case=slow, team=Team.objects.get(code="loan"), note="여신 소관", by=member)
    loan_member = Team.objects.get(code="loan").members.first()
    case_answer(case=slow, body="처리", by=loan_member)

    table = build_table("cases_team", _scope())
    rows = {row[0]: row for row in table.rows}
    # 구분, 접수, 종결, 기한 초과율, 이관/건, 중앙값, 90%
    assert rows["카드팀"] == ["카드팀", 2, 1, 50.0, 0.0, 2.0, 2.0]  # the 방치 case: opened in November
    assert rows["여신팀"] == ["여신팀", 1, 0, 100.0, 1.0, 36.0, 36.0]
    assert "기한 초과율" in table.note
    kinds = {row[0]: row for row in build_table("cases_kind", _scope()).rows}
    assert kinds["민원"][1] == 3


def test_managers_see_case_tables_with_a_csv_and_drill_down(client, open_complaint, manager, agent):
    open_complaint(at(dt.date(2026, 11, 23), 10))
    client.force_login(manager)
    page = client.get(reverse("staff:analytics"), PARAMS).content.decode()
    assert "팀별 민원/요청 사건" in page
    response = client.get(reverse("staff:analytics_csv", args=["cases_team"]), PARAMS)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["구분", "접수", "종결"] and rows[1][:2] == ["카드팀", "1"]
    chart = client.get(reverse("staff:analytics_chart", args=["cases_team"]), PARAMS).json()
    assert chart["links"][0].startswith("/staff/cases/?view=all&team=")
    client.force_login(agent)
    assert client.get(reverse("staff:analytics_csv", args=["cases_team"]), PARAMS).status_code == 404


def test_cases_per_week_per_team_and_type_with_drill_down(
    client, open_complaint, card_members, manager, frozen_now
):
    monday = at(dt.date(2026, 11, 23), 10)
    quick = open_complaint(monday, title="빠른 건")
    slow = open_complaint(monday, title="느린 건", kind="request")
    open_complaint(at(dt.date(2026, 11, 9), 10), title="방치된 건")  # overdue, never resolved
    member = card_members[0]
    frozen_now(monday + dt.timedelta(hours=2))
    case_answer(case=quick, body="처리", by=member)
    case_close(case=quick, by=member)
    frozen_now(at(dt.date(2026, 11, 27), 10))  # 36 business hours after Monday 10:00: past the deadline
    case_transfer(case=slow, team=Team.objects.get(code="loan"), note="여신 소관", by=member)
    case_answer(case=slow, body="처리", by=Team.objects.get(code="loan").members.first())

    from analytics.tables import Scope

    scope = Scope(period=Period(dt.date(2026, 11, 2), dt.date(2026, 11, 29), "week"))
    table = build_table("cases_time_team", scope)
    weeks = {row[0]: dict(zip(table.columns, row, strict=True)) for row in table.rows}
    # the week of "today" (frozen on 11-27) is still running: marked so, not read as a drop
    assert list(weeks) == ["11-02~", "11-09~", "11-16~", "11-23~ (집계 중)"]
    assert weeks["11-16~"]["접수"] == 0 and weeks["11-16~"]["해결 중앙값(업무시간)"] == "—"
    assert (weeks["11-09~"]["카드팀"], weeks["11-09~"]["접수"], weeks["11-09~"]["기한 초과율(%)"]) == (
        1,
        1,
        100.0,
    )
    late_week = weeks["11-23~ (집계 중)"]
    assert (late_week["카드팀"], late_week["여신팀"], late_week["컨택센터"]) == (1, 1, 0)
    assert (late_week["접수"], late_week["종결"], late_week["기한 초과율(%)"], late_week["이관/건"]) == (
        2,
        1,
        50.0,
        0.5,
    )
    # resolved in 2 and in 36 business hours: median 19, p90 2 + 0.9 × 34
    assert (late_week["해결 중앙값(업무시간)"], late_week["해결 90%(업무시간)"]) == (19.0, 32.6)
    kinds = {row[0]: row for row in build_table("cases_time_kind", scope).rows}
    assert kinds["11-23~ (집계 중)"][1:3] == [1, 1]  # 민원 1, 요청 1

    client.force_login(manager)
    params = {"date_from": "2026-11-02", "date_to": "2026-11-29", "granularity": "week"}
    chart = client.get(reverse("staff:analytics_chart", args=["cases_time_team"]), params).json()
    assert chart["labels"] == list(weeks) and len(chart["datasets"]) == Team.objects.count()
    drill = chart["links"][3]
    assert drill == "/staff/cases/?view=all&opened_from=2026-11-23&opened_to=2026-11-29"
    page = client.get(drill).content.decode()
    assert "빠른 건" in page and "느린 건" in page and "방치된 건" not in page
    csv_rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("staff:analytics_csv", args=["cases_time_kind"]), params).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert csv_rows[0][:3] == ["기간", "민원", "요청"] and csv_rows[4][:3] == ["11-23~ (집계 중)", "1", "1"]


def test_the_case_list_refuses_a_bad_opening_date_with_a_message(client, manager):
    client.force_login(manager)
    response = client.get(reverse("staff:cases"), {"view": "all", "opened_from": "2026-13-45"})
    assert response.status_code == 200
    assert "올바른 날짜를 입력하세요" in response.content.decode()
