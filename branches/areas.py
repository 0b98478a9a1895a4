"""Where a 동 is, for the branch finder.

Branch addresses are road-name addresses ("강남구 테헤란로 152"), which never name the 동 people
search by ("역삼동"). This short list places well-known 동 at their approximate centre (WGS84,
about 0.005° ≈ 500 m), enough to sort branches by distance. A 동 not listed falls back to the
branches whose name or address mentions the word.
"""

from __future__ import annotations

DONG_CENTRES: dict[str, tuple[float, float]] = {
    # 서울 강남·서초·송파
    "역삼동": (37.5006, 127.0364),
    "삼성동": (37.5140, 127.0565),
    "대치동": (37.4996, 127.0628),
    "논현동": (37.5110, 127.0286),
    "청담동": (37.5245, 127.0479),
    "압구정동": (37.5270, 127.0286),
    "서초동": (37.4877, 127.0174),
    "반포동": (37.5045, 127.0050),
    "방배동": (37.4813, 126.9945),
    "양재동": (37.4700, 127.0350),
    "잠실동": (37.5080, 127.0830),
    "가락동": (37.4970, 127.1180),
    "문정동": (37.4850, 127.1225),
    # 서울 도심·서부
    "명동": (37.5609, 126.9860),
    "을지로동": (37.5660, 126.9910),
    "종로동": (37.5704, 126.9920),
    "혜화동": (37.5862, 127.0020),
    "여의도동": (37.5219, 126.9245),
    "영등포동": (37.5160, 126.9070),
    "신촌동": (37.5598, 126.9425),
    "서교동": (37.5550, 126.9190),
    "합정동": (37.5495, 126.9135),
    "상암동": (37.5791, 126.8895),
    "목동": (37.5280, 126.8750),
    "구로동": (37.4954, 126.8875),
    "한남동": (37.5340, 127.0026),
    "이태원동": (37.5345, 126.9946),
    "성수동": (37.5445, 127.0560),
    # 광역시
    "송도동": (37.3830, 126.6560),
    "부전동": (35.1580, 129.0600),
    "우동": (35.1630, 129.1630),
    "동성로": (35.8690, 128.5960),
    "둔산동": (36.3510, 127.3850),
    "상무동": (35.1530, 126.8510),
}


def dong_centre(words: list[str]) -> tuple[float, float] | None:
    """The centre of the first listed 동 among the words ("역삼" finds 역삼동 too)."""
    for word in words:
        for name in (word, f"{word}동"):
            if name in DONG_CENTRES:
                return DONG_CENTRES[name]
    return None
