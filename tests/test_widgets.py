"""LongSelect renders what Django's Select renders, only faster."""

from __future__ import annotations

import re

from django import forms

from omnihana.widgets import LongSelect

CHOICES = [
    ("", "전체"),
    ("1", "을지로 본점"),
    ("2", '<script>alert("x")</script> & 지점'),
    ("3", "강남역 지점"),
]
GROUPED = [
    ("", "전체"),
    ("서울", [("1", "을지로 본점"), ("3", "강남역 지점")]),
    ("부산", [("9", "해운대 지점")]),
]


def normalise(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def test_the_html_equals_djangos_select_with_a_value_attributes_and_escaping():
    attrs = {"class": "form-select", "id": "id_branch", "data-autosubmit": True}
    for choices in (CHOICES, GROUPED):
        for value in ("", "2", "3", None):
            ours = LongSelect(attrs=attrs, choices=choices).render("branch", value)
            theirs = forms.Select(attrs=attrs, choices=choices).render("branch", value)
            assert normalise(ours) == normalise(theirs), (choices, value)
    html = LongSelect(choices=CHOICES).render("branch", "2")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<option value="2" selected>' in html


def test_a_model_choice_field_with_it_still_validates(db):
    from branches.models import Branch

    class Filter(forms.Form):
        branch = forms.ModelChoiceField(queryset=Branch.objects.all(), required=False, widget=LongSelect)

    first = Branch.objects.order_by("pk").first()
    form = Filter({"branch": str(first.pk)})
    assert form.is_valid() and form.cleaned_data["branch"] == first
    assert f'<option value="{first.pk}" selected>{first}</option>' in str(form["branch"])
    assert not Filter({"branch": "999999"}).is_valid()
