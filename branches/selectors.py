"""Finding branches: by name or area, by service, open now, nearest first.

Name, area and hours are filtered in SQL; services and the distance (haversine, km) are computed
in Python on four columns of the rows that remain (cheaper than trigonometry in the database for
every row), and only the page shown is read whole. Without the browser's
position, a typed area (e.g. "강남구", "역삼동") is placed at the middle of the branches there.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.business_days import is_business_day

from .areas import dong_centre
from .models import Branch

EARTH_KM = 6371.0088


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(a))


def is_open(branch: Branch, now: dt.datetime | None = None) -> bool:
    local = timezone.localtime(now or timezone.now())
    return is_business_day(local.date()) and branch.opens_at <= local.time() < branch.closes_at


def search_origin(
    *, near: str, lat: float | None, lng: float | None
) -> tuple[tuple[float, float] | None, str]:
    """Where "nearest" is measured from, and what to call it: a typed area wins over an earlier
    browser position (the "내 위치" button clears the area); None when neither is usable."""
    if near:
        return area_centre(near), near
    if lat is not None and lng is not None:
        return (lat, lng), str(_("현재 위치"))
    return None, ""


@dataclass(frozen=True)
class Found:
    branch: Branch
    distance: float | None
    open_now: bool


def _text_match(words: list[str]) -> Q:
    q = Q()
    for word in words:
        either = Q(name__icontains=word) | Q(address__icontains=word)
        if len(word) >= 3 and word.endswith("동"):  # "여의도동" also finds "여의도 지점"
            either |= Q(name__icontains=word[:-1]) | Q(address__icontains=word[:-1])
        q &= either
    return q


def area_centre(area: str) -> tuple[float, float] | None:
    """The middle of the branches whose address names this area, or None when none do."""
    words = area.split()[:4]
    if not words:
        return None
    points = list(
        Branch.objects.filter(
            _text_match(words), latitude__isnull=False, longitude__isnull=False
        ).values_list("latitude", "longitude")
    )
    coords = [(float(lat), float(lng)) for lat, lng in points if lat is not None and lng is not None]
    if not coords:
        return dong_centre(words)
    return (sum(c[0] for c in coords) / len(coords), sum(c[1] for c in coords) / len(coords))


class FoundBranches(Sequence):
    """The branches found, in order: positions (and distances) for all of them, the branches
    themselves read only for the slice shown (a page of 12 out of a bank's 1,000 branches)."""

    def __init__(self, order: list[tuple[int, float | None]], moment: dt.datetime, fields: tuple[str, ...]):
        self._order, self._moment, self._fields = order, moment, fields

    def __len__(self) -> int:
        return len(self._order)

    def _load(self, part: list[tuple[int, float | None]]) -> list[Found]:
        by_id = Branch.objects.only(*self._fields).in_bulk([pk for pk, _ in part])
        return [Found(by_id[pk], distance, is_open(by_id[pk], self._moment)) for pk, distance in part]

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return self._load(self._order[index])
        return self._load([self._order[index]])[0]

    def __iter__(self):
        return iter(self._load(self._order))

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, (list, FoundBranches)) else NotImplemented

    __hash__ = None  # type: ignore[assignment]


_SHOWN = (
    "id", "code", "name", "kind", "phone1", "phone2", "postcode", "address", "latitude", "longitude",
    "opens_at", "closes_at", "services", "remarks",
)  # fmt: skip


def branch_search(
    *,
    q: str = "",
    services: list[str] | None = None,
    open_now: bool = False,
    origin: tuple[float, float] | None = None,
    now: dt.datetime | None = None,
    queryset: QuerySet[Branch] | None = None,
) -> FoundBranches:
    """The branches matching, nearest first from `origin` (else by code). Filtering and ordering
    read four columns of each branch; whole branches are read for the page shown only."""
    qs = queryset if queryset is not None else Branch.objects.filter(is_active=True)
    words = q.split()[:4]
    if words:
        qs = qs.filter(_text_match(words))
    moment = timezone.localtime(now or timezone.now())
    if open_now:
        if not is_business_day(moment.date()):
            return FoundBranches([], moment, _SHOWN)
        qs = qs.filter(opens_at__lte=moment.time(), closes_at__gt=moment.time())
    wanted = set(services or [])
    rows = qs.values_list("pk", "code", "latitude", "longitude", *(["services"] if wanted else []))
    order: list[tuple[str, int, float | None]] = []
    for pk, code, lat, lng, *offered in rows:
        if wanted and not wanted.issubset(offered[0] or []):
            continue  # (JSON containment is not portable to SQLite, so services are checked here)
        distance = None
        if origin and lat is not None and lng is not None:
            distance = distance_km(origin[0], origin[1], float(lat), float(lng))
        order.append((code, pk, distance))
    if origin:
        order.sort(key=lambda f: (f[2] is None, f[2] or 0, f[0]))
    else:
        order.sort(key=lambda f: f[0])
    return FoundBranches([(pk, distance) for _code, pk, distance in order], moment, _SHOWN)
