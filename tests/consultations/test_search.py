"""/staff/consultations/: every filter, the Korean keyword, keyset pages, exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from consultations.models import Channel, Consultation, MainCategory, MiddleCategory, Progress
from consultations.search import (
    ConsultationFilters,
    consultation_page,
    consultation_search,
    keyword_condition,
)

KST = dt.timezone(dt.timedelta(hours=9))


def ids(qs) -> set[int]:
    return set(qs.values_list("id", flat=True))


@pytest.fixture
def extra(db, customer, other_customer, teller, agent):
    """A few rows with known, distinctive content."""
    deposit, loan = MiddleCategory.objects.get(code="0101"), MiddleCategory.objects.get(code="0201")
    branch, call = Channel.objects.get(code="branch"), Channel.objects.get(code="call")

    def make(title, notes, *, who, by, channel, middle, at, progress=Progress.DONE, follow=False):
        return Consultation.objects.create(
            customer=who,
            staff=by,
            channel=channel,
            main_category=middle.main,
            middle_category=middle,
            title=title,
            notes=notes,
            progress=progress,
            follow_up_needed=follow,
            occurred_at=at,
        )

    return {
        "loan": make(
            "전세대출 한도 문의",
            "소득 증빙 서류 안내",
            who=customer,
            by=teller,
            channel=branch,
            middle=loan,
            at=dt.datetime(2031, 1, 10, 10, tzinfo=KST),
            follow=True,
        ),
        "deposit": make(
            "적금 가입",
            "손님이 대출을 함께 문의",
            who=other_customer,
            by=agent,
            channel=call,
            middle=deposit,
            at=dt.datetime(2031, 1, 20, 11, tzinfo=KST),
            progress=Progress.IN_PROGRESS,
        ),
        "boundary": make(
            "예",
            "금리",
            who=customer,
            by=agent,
            channel=call,
            middle=deposit,
            at=dt.datetime(2031, 2, 1, 9, tzinfo=KST),
        ),
        "percent": make(
            "우대 100% 적용",
            "특판_행사",
            who=customer,
            by=agent,
            channel=call,
            middle=deposit,
            at=dt.datetime(2031, 2, 2, 9, tzinfo=KST),
        ),
    }


IN_2031 = {"date_from": dt.date(2031, 1, 1), "date_to": dt.date(2031, 12, 31)}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"loan", "deposit", "boundary", "percent"}),
        ({"date_to": dt.date(2031, 1, 15)}, {"loan"}),
        ({"date_from": dt.date(2031, 1, 20), "date_to": dt.date(2031, 1, 20)}, {"deposit"}),
        ({"main_category": "02"}, {"loan"}),
        ({"middle_category": "0101"}, {"deposit", "boundary", "percent"}),
        ({"channel": "branch"}, {"loan"}),
        ({"staff": "hnv2004"}, {"loan"}),
        ({"progress": Progress.IN_PROGRESS}, {"deposit"}),
        ({"follow_up": True}, {"loan"}),
        ({"follow_up": False}, {"deposit", "boundary", "percent"}),
        ({"customer": "hanauser2"}, {"deposit"}),
        ({"customer": "박진우"}, {"loan", "boundary", "percent"}),
        ({"keyword": "대출"}, {"loan", "deposit"}),
        ({"keyword": "대출", "channel": "call", "progress": Progress.IN_PROGRESS}, {"deposit"}),
        ({"keyword": "대출", "customer": "hanauser1", "follow_up": True, "main_category": "02"}, {"loan"}),
    ],
)
def test_each_filter_and_their_combination(extra, filters, expected):
    args = dict(IN_2031)
    for key, value in filters.items():
        if key == "main_category":
            args["main_category_id"] = MainCategory.objects.get(code=value).pk
        elif key == "middle_category":
            args["middle_category_id"] = MiddleCategory.objects.get(code=value).pk
        elif key == "channel":
            args["channel_id"] = Channel.objects.get(code=value).pk
        elif key == "staff":
            args["staff_id"] = Consultation.objects.filter(staff__username=value).values_list(
                "staff_id", flat=True
            )[0]
        else:
            args[key] = value
    found = ids(consultation_search(ConsultationFilters(**args)))
    assert found == {extra[name].pk for name in expected}


@pytest.mark.parametrize(
    "term",
    [
        "대",
        "예",
        "대출",
        "예금",
        "정기예금",
        "리틀빅정기예금",
        "가입완료",
        "금리 문의",
        "100%",
        "특판_",
        "LOAN",
    ],
)
def test_the_indexed_keyword_search_equals_the_plain_one(extra, term):
    indexed = ids(consultation_search(ConsultationFilters(keyword=term)))
    plain = ids(consultation_search(ConsultationFilters(keyword=term), indexed_keyword=False))
    assert indexed == plain
    assert indexed == {
        c.pk
        for c in Consultation.objects.all()
        if term.lower() in c.title.lower() or term.lower() in c.notes.lower()
    }


def test_a_keyword_does_not_match_across_title_and_notes(extra):
    # title "예" + notes "금리" must not be found for "예금"
    assert extra["boundary"].pk not in ids(consultation_search(ConsultationFilters(keyword="예금")))


def test_percent_and_underscore_are_plain_characters(extra):
    assert ids(consultation_search(ConsultationFilters(keyword="100%"))) == {extra["percent"].pk}
    assert ids(consultation_search(ConsultationFilters(keyword="0% 적"))) == {extra["percent"].pk}
    assert ids(consultation_search(ConsultationFilters(keyword="특판_"))) == {extra["percent"].pk}
    assert not ids(consultation_search(ConsultationFilters(keyword="특판%")))


@pytest.mark.parametrize("ascending", [False, True])
def test_keyset_pages_visit_every_row_once_in_order(db, ascending):
    filters = ConsultationFilters(ascending=ascending)
    seen, cursor = [], ""
    while True:
        rows, cursor = consultation_page(filters, cursor=cursor, size=37)
        seen += [c.pk for c in rows]
        if not cursor:
            break
    order = ["occurred_at", "id"] if ascending else ["-occurred_at", "-id"]
    assert seen == list(Consultation.objects.order_by(*order).values_list("id", flat=True))


def test_a_garbled_cursor_starts_from_the_beginning(db):
    first, _ = consultation_page(ConsultationFilters(), size=5)
    again, _ = consultation_page(ConsultationFilters(), cursor="not-a-cursor!!", size=5)
    assert [c.pk for c in again] == [c.pk for c in first]


def test_the_search_page_shows_masked_rows_with_bounded_queries(
    client, teller, extra, django_assert_max_num_queries
):
    client.force_login(teller)
    # As many queries for a page of 2 rows as for a full page of 50: none per row.
    with CaptureQueriesContext(connection) as full_page:
        client.get(reverse("staff:consultations"), {"date_from": "2020-01-01", "keyword": "가입"})
    # session, user, profile; the walk (its reach, its last row, a savepoint with the plan's
    # settings, the walk, the release), the bigram index for the rest; the rows; follow-ups
    assert len(full_page.captured_queries) <= 14
    # The form's short lists in one query each, not through server-side cursors (three round trips).
    assert not [q for q in full_page.captured_queries if q["sql"].startswith("DECLARE")]
    with django_assert_max_num_queries(len(full_page.captured_queries)):
        response = client.get(reverse("staff:consultations"), {"date_from": "2031-01-01", "keyword": "대출"})
    page = response.content.decode()
    assert "전세<mark>대출</mark> 한도 문의" in page and "적금 가입" in page and "우대 100%" not in page
    assert "박*우" in page and "박진우" not in page.split("<main")[1]
    assert "1994-**-**" in page


def test_a_result_shows_why_it_matched_with_the_keyword_marked_and_escaped(client, teller, extra):
    Consultation.objects.filter(pk=extra["deposit"].pk).update(
        notes="앞부분 " * 20 + "<script>alert(1)</script> 손님이 대출을 함께 문의"
    )
    client.force_login(teller)
    page = client.get(
        reverse("staff:consultations"), {"date_from": "2031-01-01", "keyword": "대출"}
    ).content.decode()
    # Matched in the notes only: the title is plain, a snippet of the notes says why.
    assert '<div class="oh-snippet text-muted">…' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 손님이 <mark>대출</mark>을 함께 문의" in page
    assert "<script>alert(1)" not in page
    # Matched in the title: the title is marked; its notes hold no keyword, so no snippet.
    assert "전세<mark>대출</mark> 한도 문의</a></td>" in page


def test_a_reversed_date_range_is_explained(client, teller):
    client.force_login(teller)
    page = client.get(
        reverse("staff:consultations"), {"date_from": "2031-02-01", "date_to": "2031-01-01"}
    ).content.decode()
    assert "시작일이 종료일보다 늦습니다." in page


@pytest.fixture
def formula(db, customer, teller):
    middle = MiddleCategory.objects.get(code="0101")
    return Consultation.objects.create(
        customer=customer,
        staff=teller,
        channel=Channel.objects.get(code="branch"),
        main_category=middle.main,
        middle_category=middle,
        title='=HYPERLINK("http://evil.example","클릭")',
        notes="",
        occurred_at=dt.datetime(2031, 5, 1, 10, tzinfo=KST),
    )


def test_csv_export_neutralises_formulas_masks_people_and_is_audited(client, teller, formula):
    client.force_login(teller)
    response = client.get(
        reverse("staff:consultation_export", args=["csv"]),
        {"date_from": "2031-05-01", "date_to": "2031-05-01"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["등록일시", "성함", "ID"]
    assert rows[1][1] == "박*우"
    assert rows[1][6] == '\'=HYPERLINK("http://evil.example","클릭")'
    entry = AuditEntry.objects.get(actor=teller, action=AuditEntry.Action.EXPORT)
    assert entry.target == "consultations.csv"


def test_excel_export_opens_and_neutralises_too(client, teller, formula):
    client.force_login(teller)
    response = client.get(
        reverse("staff:consultation_export", args=["xlsx"]),
        {"date_from": "2031-05-01", "date_to": "2031-05-01"},
    )
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "등록일시"
    assert values[1][6].startswith("'=HYPERLINK")
    assert len(values) == 2


def test_an_unknown_export_format_is_404(client, teller):
    client.force_login(teller)
    assert client.get(reverse("staff:consultation_export", args=["pdf"])).status_code == 404


@pytest.fixture
def ties(extra, customer, teller):
    """Rows sharing one moment, so that a walk's last row splits a tie on occurred_at."""
    middle, branch = MiddleCategory.objects.get(code="0201"), Channel.objects.get(code="branch")
    moment = dt.datetime(2031, 3, 3, 15, tzinfo=KST)
    for n in range(9):
        Consultation.objects.create(
            customer=customer,
            staff=teller,
            channel=branch,
            main_category=middle.main,
            middle_category=middle,
            title=f"대출 상담 {n}" if n % 3 else f"ISA 계좌 {n}",
            notes="한도 문의" if n % 2 else "서류 안내",
            occurred_at=moment,
        )


def every_page(filters: ConsultationFilters, *, size: int, indexed: bool) -> list[int]:
    seen: list[int] = []
    cursor = ""
    while True:
        rows, following = consultation_page(filters, cursor=cursor, size=size, indexed_keyword=indexed)
        seen += [c.pk for c in rows]
        if not following:
            return seen
        cursor = following


@pytest.mark.parametrize("reach", [1, 2, 5, 10_000], ids=lambda n: f"walk-{n}-rows")
@pytest.mark.parametrize("ascending", [False, True], ids=["newest-first", "oldest-first"])
def test_walking_then_the_bigram_index_gives_the_naive_pages(ties, monkeypatch, reach, ascending):
    """However far the walk reaches before the bigram index takes over, the pages are the plain
    icontains pages: no row twice, none left out, ties on the moment split by id."""
    from consultations import search

    monkeypatch.setattr(search, "walk_rows", lambda using="default": reach)
    for term in ["대출", "예금", "한도 문의", "가입완료", "isa 계좌", "방카슈랑스"]:
        for window in ({}, {"date_from": dt.date(2031, 1, 15), "date_to": dt.date(2031, 3, 3)}):
            filters = ConsultationFilters(keyword=term, ascending=ascending, **window)
            naive = every_page(filters, size=2, indexed=False)
            assert every_page(filters, size=2, indexed=True) == naive, (term, window)
            assert every_page(filters, size=50, indexed=True) == naive, (term, window)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the walk is planned for PostgreSQL")
def test_a_common_word_is_answered_by_the_walk_a_rare_one_by_the_bigram_index(ties, monkeypatch):
    from consultations import search

    monkeypatch.setattr(search, "walk_rows", lambda using="default": 12)
    with CaptureQueriesContext(connection) as common:
        rows, _ = consultation_page(ConsultationFilters(keyword="대출"), size=3)
    assert len(rows) == 3
    assert not any("omnihana_bigrams" in q["sql"] for q in common.captured_queries)
    with CaptureQueriesContext(connection) as rare:
        rows, _ = consultation_page(ConsultationFilters(keyword="방카슈랑스"), size=3)
    assert rows == []
    assert any("omnihana_bigrams" in q["sql"] for q in rare.captured_queries)


@pytest.fixture
def sparse(customer, teller):
    """The newest 40 rows: 적립식 in every fourth, 방카슈랑스 in one of the newest twelve."""
    middle, branch = MiddleCategory.objects.get(code="0101"), Channel.objects.get(code="branch")
    start = dt.datetime(2032, 1, 5, 9, tzinfo=KST)
    for n in range(40):
        Consultation.objects.create(
            customer=customer,
            staff=teller,
            channel=branch,
            main_category=middle.main,
            middle_category=middle,
            title="적립식 예금 상담" if n % 4 == 0 else "예금 상담",
            notes="방카슈랑스 안내" if n == 35 else "상품 안내",
            occurred_at=start + dt.timedelta(minutes=n),
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the walk is planned for PostgreSQL")
def test_a_walk_that_found_part_of_a_page_walks_on_at_the_rate_it_measured(sparse, monkeypatch):
    from consultations import search

    monkeypatch.setattr(search, "walk_rows", lambda using="default": 12)
    filters = ConsultationFilters(keyword="적립식")
    # 12 rows hold 3 of the 6 a page of 5 reads: 15 more rows (a quarter over the rate) hold the rest.
    with CaptureQueriesContext(connection) as walked_on:
        rows, following = consultation_page(filters, size=5)
    assert [c.pk for c in rows] == [c.pk for c in consultation_page(filters, size=5, indexed_keyword=False)[0]]
    assert following
    assert not any("omnihana_bigrams" in q["sql"] for q in walked_on.captured_queries)
    assert every_page(filters, size=5, indexed=True) == every_page(filters, size=5, indexed=False)
    # One match in the walk: the rest of a page would be 75 rows on, more than two walks: the bigram index.
    with CaptureQueriesContext(connection) as rare:
        rows, _ = consultation_page(ConsultationFilters(keyword="방카슈랑스"), size=5)
    assert [c.notes for c in rows] == ["방카슈랑스 안내"]
    assert any("omnihana_bigrams" in q["sql"] for q in rare.captured_queries)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's row count")
def test_the_walk_grows_with_the_square_root_of_the_table(db, monkeypatch):
    import math

    from consultations import search

    monkeypatch.setattr(search, "WALK_FLOOR", 1)  # the floor out of the way at test size
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE consultations_consultation")
    rows = Consultation.objects.count()
    expected = math.sqrt(search.WALK_PAGE * rows)
    assert abs(search.walk_rows() - expected) <= 0.05 * expected
    monkeypatch.setattr(search, "WALK_FLOOR", 2000)
    assert search.walk_rows() == 2000


def test_the_export_names_every_customer_by_number_login_or_not(client, teller, customer, formula):
    client.force_login(teller)
    response = client.get(
        reverse("staff:consultation_export", args=["csv"]),
        {"date_from": "2031-05-01", "date_to": "2031-05-01"},
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][-1] == "손님번호"
    assert rows[1][-1] == customer.customer_profile.customer_no


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram index is PostgreSQL's")
def test_a_rare_keyword_is_looked_up_in_the_bigram_index(extra):
    """The condition must be the index's own expression, collation included (migration 0012):
    a query the planner cannot match to the index reads every row of a ten-million-row table."""
    qs = Consultation.objects.filter(keyword_condition("방카슈랑스"))
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "consult_keyword_bigrams" in plan
