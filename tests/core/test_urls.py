from django.urls import reverse

from core.urls import url_maker


def test_a_row_link_is_the_address_reverse_gives_for_that_row():
    # Ids chosen to contain the digits of the URLs' fixed text (0, 1, 2, …) and a long one.
    for name in ("staff:customer_detail", "staff:consultation_edit", "branches:detail"):
        make = url_maker(name)
        for pk in (0, 1, 10, 20, 101, 9_999_999, 123_456_789_012):
            assert make(pk) == reverse(name, args=[pk])
