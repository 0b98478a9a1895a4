"""The branch finder: search by name or area, services, open now, nearest first; managers edit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from branches.models import Branch
from branches.selectors import branch_search, distance_km

KST = dt.timezone(dt.timedelta(hours=9))
CITY_HALL = (37.5663, 126.9779)  # 서울시청


def test_distance_is_haversine_in_km():
    # Seoul City Hall to Busan City Hall is about 325 km in a straight line.
    assert 320 < distance_km(37.5663, 126.9779, 35.1798, 129.0750) < 330
    assert distance_km(*CITY_HALL, *CITY_HALL) == 0


def test_nearest_first_from_a_position(db):
    found = branch_search(origin=CITY_HALL)
    distances = [f.distance for f in found if f.distance is not None]
    assert distances == sorted(distances) and len(distances) > 5
    brute = sorted(
        Branch.objects.filter(is_active=True, latitude__isnull=False),
        key=lambda b: distance_km(*CITY_HALL, float(b.latitude), float(b.longitude)),
    )
    assert [f.branch.pk for f in found[:5]] == [b.pk for b in brute[:5]]


def test_search_by_name_or_area_and_service(db):
    assert [f.branch.name for f in branch_search(q="본점")] == ["을지로 본점"]
    by_area = branch_search(q="강남구")
    assert by_area and all("강남구" in f.branch.address or "강남" in f.branch.name for f in by_area)
    with_fx = branch_search(services=["외환"])
    assert with_fx and all("외환" in f.branch.services for f in with_fx)
    assert not any(
        f.branch.kind == Branch.Kind.CONTACT_CENTER for f in with_fx
    )  # it offers no counter services


def test_open_now_uses_seoul_hours_and_banking_days(db):
    weekday_10 = dt.datetime(2031, 3, 11, 10, tzinfo=KST)  # Tuesday
    weekday_17 = dt.datetime(2031, 3, 11, 17, tzinfo=KST)
    saturday = dt.datetime(2031, 3, 15, 10, tzinfo=KST)
    assert len(branch_search(open_now=True, now=weekday_10)) == Branch.objects.filter(is_active=True).count()
    late = branch_search(open_now=True, now=weekday_17)
    assert late and all(f.branch.closes_at > dt.time(17) for f in late)  # only the contact center
    assert branch_search(open_now=True, now=saturday) == []


def test_typed_area_orders_by_distance_from_that_area(client, db):
    response = client.get(reverse("branches:list"), {"near": "강남구"})
    found = list(response.context["page"].object_list)
    assert "강남구" in found[0].branch.address
    assert [f.distance for f in found] == sorted(f.distance for f in found)
    unknown = client.get(reverse("branches:list"), {"near": "없는동네"})
    assert "찾지 못했습니다" in unknown.content.decode()


def test_page_without_kakao_key_loads_no_outside_script(client, db, settings):
    settings.KAKAO_MAP_JS_KEY = ""
    page = client.get(reverse("branches:list")).content.decode()
    assert "dapi.kakao.com" not in page and "branch-map" not in page
    settings.KAKAO_MAP_JS_KEY = "test-key"
    page = client.get(reverse("branches:list")).content.decode()
    assert "dapi.kakao.com/v2/maps/sdk.js?appkey=test-key" in page


def test_book_here_link_preselects_the_branch(client, customer):
    branch = Branch.objects.get(code="0001")
    client.force_login(customer)
    page = client.get(reverse("branches:detail", args=[branch.pk])).content.decode()
    assert f"/me/bookings/new/?branch={branch.pk}" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"latitude": "37.5", "longitude": ""}, "위도와 경도는 함께"),
        ({"latitude": "51.5", "longitude": "-0.12"}, "대한민국 밖"),
        ({"opens_at": "16:00", "closes_at": "09:00"}, "종료 시각은 시작 시각보다"),
    ],
)
def test_manager_edits_a_branch_and_bad_input_changes_nothing(client, manager, changes, message):
    branch = Branch.objects.get(code="0001")
    data = {
        "code": branch.code, "name": branch.name, "kind": branch.kind, "phone1": branch.phone1, "phone2": "",
        "postcode": branch.postcode, "address": branch.address, "latitude": "37.566100", "longitude": "126.983200",
        "opens_at": "09:00", "closes_at": "16:00", "services": ["예금", "대출"], "remarks": "", "is_active": "on",
    }  # fmt: skip
    client.force_login(manager)
    bad = client.post(reverse("staff:branch_edit", args=[branch.pk]), {**data, **changes})
    assert message in bad.content.decode()
    assert Branch.objects.get(pk=branch.pk).latitude == branch.latitude
    ok = client.post(reverse("staff:branch_edit", args=[branch.pk]), data)
    assert ok.status_code == 302
    saved = Branch.objects.get(pk=branch.pk)
    assert str(saved.latitude) == "37.566100" and saved.services == ["예금", "대출"]


@pytest.mark.parametrize("dong", ["역삼동", "서초동"])
def test_a_dong_from_the_placeholder_finds_the_nearest_branches(client, db, dong):
    # Road-name addresses never name the 동: the finder places it on its own.
    response = client.get(reverse("branches:list"), {"near": dong})
    page = response.content.decode()
    assert "찾지 못했습니다" not in page
    found = list(response.context["page"].object_list)
    assert found and [f.distance for f in found] == sorted(f.distance for f in found)
    assert "강남구" in found[0].branch.address and found[0].distance < 5


def test_a_name_search_with_dong_finds_the_branch(client, db):
    found = list(client.get(reverse("branches:list"), {"q": "여의도동"}).context["page"].object_list)
    assert [f.branch.name for f in found] == ["여의도 지점"]


def test_branch_page_without_kakao_key_shows_address_and_map_link_not_coordinates(client, db, settings):
    settings.KAKAO_MAP_JS_KEY = ""
    branch = Branch.objects.get(code="0001")
    page = client.get(reverse("branches:detail", args=[branch.pk])).content.decode()
    assert branch.address in page and "map.kakao.com/link/search/" in page
    assert f"{branch.latitude}, {branch.longitude}" not in page and "좌표" not in page  # no raw coordinates


def _active_branches(count: int) -> None:
    active = list(Branch.objects.filter(is_active=True).order_by("pk"))
    Branch.objects.filter(pk__in=[b.pk for b in active[count:]]).update(is_active=False)
    for n in range(count - len(active)):
        Branch.objects.create(name=f"추가 지점 {n}", code=f"T{n:03d}", address="서울특별시 중구 을지로 66")


def test_thirteen_branches_are_one_page_not_twelve_and_one(client, db):
    _active_branches(13)
    response = client.get(reverse("branches:list"))
    page = response.context["page"]
    assert len(page.object_list) == 13 and not page.has_next()
    assert "page=2" not in response.content.decode()


def test_a_longer_list_still_pages_with_no_short_last_page(client, db):
    _active_branches(17)
    first = client.get(reverse("branches:list")).context["page"]
    assert len(first.object_list) == 12 and first.has_next()
    last = client.get(reverse("branches:list"), {"page": 2}).context["page"]
    assert len(last.object_list) == 5 and not last.has_next()


def test_a_branch_card_shows_what_a_customer_decides_by(db):
    from branches.templatetags.branch_cards import branch_card

    branch = Branch.objects.get(name="을지로 본점")
    branch.remarks = "주차 <2시간> 무료"
    branch.phone2 = "02-000-0000"
    card = str(branch_card(branch, 0.3504, True))
    assert reverse("branches:detail", args=[branch.pk]) in card
    assert ">350m<" in card and "영업 중" in card
    assert f'{reverse("me:booking_new")}?branch={branch.pk}' in card
    assert 'href="tel:02-000-0000"' in card
    assert "주차 &lt;2시간&gt; 무료" in card  # escaped, as every value
    assert f"평일 {branch.opens_at:%H:%M}~{branch.closes_at:%H:%M}" in card
    for label in branch.service_labels:
        assert f">{label}</span>" in card
    far = str(branch_card(branch, 12.345, False))
    assert ">12.3km<" in far and "영업 종료" in far
    assert "oh-distance" not in str(branch_card(branch))
    # The contact center takes no visits: no booking buttons.
    center = Branch.objects.filter(kind=Branch.Kind.CONTACT_CENTER).first()
    assert center is not None and "?branch=" not in str(branch_card(center))
