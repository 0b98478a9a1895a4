"""Codes and dates in the API are ASCII digits, and the schema says which dates exist."""

from __future__ import annotations

import re

import pytest

from api.views import DAY


@pytest.mark.parametrize(
    "field,value", [("main_category", "٠٢"), ("middle_category", "０２０３"), ("main_category", "0²")]
)
def test_it_refuses_codes_in_other_scripts_digits(api, record, field, value):
    response = api.post("/api/v1/consultations/", {**record, field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("value", ["٢٠٢٠٠٥٢٣", "２０２００５２３"])
def test_it_refuses_a_history_date_in_other_digits(api, value):
    response = api.get("/api/v1/consultations/", {"customer_id": "hanauser1", "from": value})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "value",
    [
        "2020-13-45", "20201345", "2020-00-10", "20200132", "2020-04-31", "2020-0523",
        "2021-02-29", "20210229", "1900-02-29", "2100-02-29", "2020-02-30",
    ],
)  # fmt: skip
def test_the_schema_pattern_refuses_impossible_dates(value):
    assert not re.fullmatch(DAY["pattern"], value)


@pytest.mark.parametrize(
    "value",
    [
        "2020-05-23",
        "20200523",
        "2020-12-31",
        "20200229",
        "2000-02-29",
        "2024-02-29",
        "2021-02-28",
        "2020-01-31",
    ],
)
def test_the_schema_pattern_accepts_real_dates(value):
    assert re.fullmatch(DAY["pattern"], value)
