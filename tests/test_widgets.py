"""LongSelect renders what Django's Select renders, only faster."""

from __future__ import annotations

import re

from django import forms

from core.widgets import LongSelect

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


def attributes(html: str) -> tuple[str, set[str]]:
    """An <input>'s tag and its attributes (their order is not part of the HTML's meaning)."""
    match = re.fullmatch(r"<input(.*?)>", html.strip())
    assert match, html
    return "input", set(re.findall(r'\s([\w-]+(?:="[^"]*")?)', match.group(1)))


def test_the_quick_inputs_equal_djangos_inputs_with_values_attributes_and_escaping():
    from core.widgets import QuickDateInput, QuickHiddenInput, QuickTextInput

    attrs = {"class": "form-control", "id": "id_q", "placeholder": '제목 "또는" 이름', "required": True}
    pairs = [
        (QuickTextInput, forms.TextInput),
        (QuickDateInput, forms.DateInput),
        (QuickHiddenInput, forms.HiddenInput),
    ]
    for ours, theirs in pairs:
        for value in (None, "", "결제", '<script>"x"</script>'):
            mine = ours(attrs=attrs).render("q", value)
            django = theirs(attrs=attrs).render("q", value)
            assert attributes(mine) == attributes(django), (ours, value)
    html = QuickTextInput().render("q", '<script>"x"</script>')
    assert "<script>" not in html and 'value="&lt;script&gt;&quot;x&quot;&lt;/script&gt;"' in html
    assert "value=" not in QuickTextInput().render("q", None)


def test_a_named_model_choice_field_lists_what_the_model_field_lists_and_validates(db):
    from branches.models import Branch
    from core.widgets import NamedModelChoiceField

    class Ours(forms.Form):
        branch = NamedModelChoiceField(queryset=Branch.objects.all(), required=False, empty_label="전체")

    class Theirs(forms.Form):
        branch = forms.ModelChoiceField(queryset=Branch.objects.all(), required=False, empty_label="전체")

    chosen = Branch.objects.order_by("code")[1]
    for data in ({}, {"branch": str(chosen.pk)}):
        assert normalise(str(Ours(data)["branch"])) == normalise(str(Theirs(data)["branch"]))
    form = Ours({"branch": str(chosen.pk)})
    assert form.is_valid() and form.cleaned_data["branch"] == chosen
    assert not Ours({"branch": "999999"}).is_valid()
