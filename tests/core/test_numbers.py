"""Numbers and ids are ASCII digits: Unicode's other digits pass `\\d`, `isdigit()` and `int()`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.params import BoundedDateField, param_date, param_datetime, param_id
from core.phone import normalize_korean_mobile


def test_it_reads_full_width_digits_a_korean_keyboard_types():
    assert normalize_korean_mobile("０１０-１２３４-５６７８") == "+821012345678"


@pytest.mark.parametrize(
    "raw",
    [
        "٠١٠-١٢٣٤-٥٦٧٨",  # Arabic-Indic
        "०१०-१२३४-५६७८",  # Devanagari
        "010-1234-567٨",  # one foreign digit among ASCII ones
        "010-1234-5678²",
    ],
)
def test_it_refuses_other_scripts_digits_in_a_phone_number(raw):
    with pytest.raises(ValidationError):
        normalize_korean_mobile(raw)


@pytest.mark.parametrize("raw", ["²", "١٢", "12a", "-1", "0", "1" * 20, "", None, ["1"], " 1"])
def test_it_reads_no_id_from_anything_but_ascii_digits(raw):
    assert param_id(raw) is None


def test_it_reads_an_ascii_id():
    assert param_id("42") == 42


@pytest.mark.parametrize("raw", ["2020-13-45", "9999-12-31", "0001-01-01", "２０２０-０１-０１", "abc", None])
def test_it_reads_no_date_outside_the_bounds(raw):
    assert param_date(raw) is None


def test_it_reads_a_datetime_that_can_be_stored():
    assert param_datetime("2031-03-04T10:00:00+09:00") == dt.datetime(2031, 3, 4, 1, tzinfo=dt.UTC)
    assert param_datetime("2999-12-31T23:59:59-12:00") is not None
    assert param_datetime("10000-01-01T00:00:00") is None
    assert param_datetime("2031-03-04T10:00:00", naive="refuse") is None


def test_a_bounded_date_field_refuses_years_a_person_does_not_mean():
    field = BoundedDateField()
    assert field.clean("２０２０-０５-２３") == dt.date(2020, 5, 23)
    for raw in ("9999-12-31", "1899-12-31", "٢٠٢٠-٠٥-٢٣"):
        with pytest.raises(ValidationError):
            field.clean(raw)
