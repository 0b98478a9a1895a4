"""Message templates managers edit: only the tags and filters a message needs, and a bound on the
template's length, the body it makes and the time it takes (issue 17, point 11)."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from messaging.body import render_body, render_source, template_check
from messaging.models import MessageTemplate, Purpose
from messaging.outbox import message_enqueue

# The report's template: three nested loops over the sample name, 5.8 s in a manager's preview.
NESTED_LOOPS = (
    '{% for a in "0123456789012345678901234567890123456789" %}'
    '{% for b in "0123456789012345678901234567890123456789" %}'
    '{% for c in "0123456789012345678901234567890123456789" %}{{ name }}'
    "{% endfor %}{% endfor %}{% endfor %}"
)


def test_the_nested_loop_template_is_refused_in_korean_without_rendering(client, manager):
    client.force_login(manager)
    edit = reverse("staff:message_template_edit", args=["booking_confirmed"])
    started = time.monotonic()
    response = client.post(edit, {"body": NESTED_LOOPS})
    assert time.monotonic() - started < 1
    assert response.status_code == 200
    assert "사용할 수 없는 태그입니다: for" in response.content.decode()
    assert not MessageTemplate.objects.exists()
    preview = client.post(
        reverse("staff:message_template_preview", args=["booking_confirmed"]), {"body": NESTED_LOOPS}
    )
    assert preview.json() == {"ok": False, "error": preview.json()["error"]}
    assert "사용할 수 없는 태그입니다: for" in preview.json()["error"]


@pytest.mark.parametrize(
    "body",
    [
        '{% include "messaging/sms/otp.txt" %}',
        '{% extends "messaging/sms/otp.txt" %}',
        "{% with n=name %}{{ n }}{% endwith %}",
        "{% cycle name name %}",
        "{% now 'Y' %}",
        "{% widthratio 1 1 100000000 %}",
        "{% templatetag openblock %}",
        "{% spaceless %}{{ name }}{% endspaceless %}",
    ],
)
def test_tags_outside_the_allow_list_are_refused(db, body):
    with pytest.raises(ValidationError, match="사용할 수 없는 태그"):
        template_check(Purpose.BOOKING_CONFIRMED, body)


@pytest.mark.parametrize(
    "body",
    [
        '{{ name|center:"100000000" }}',
        '{{ name|ljust:"100000000" }}',
        '{% if name|rjust:"100000000" %}x{% endif %}',
        "{{ name|slice:':1' }}",
        "{{ name|make_list }}",
    ],
)
def test_filters_outside_the_allow_list_are_refused(db, body):
    with pytest.raises(ValidationError, match="사용할 수 없는 필터"):
        template_check(Purpose.BOOKING_CONFIRMED, body)


def test_what_the_bank_templates_use_is_allowed(db):
    body = template_check(
        Purpose.BOOKING_CONFIRMED,
        '{% if branch %}{{ branch }}{% else %}{{ channel|default:"상담" }}{% endif %} '
        "{{ starts_at|date:'n/j(D) H:i' }} {% firstof staff name %}{# 메모 #}",
    )
    assert body == "을지로 본점 11/23(월) 14:30 신행복"
    for purpose in Purpose.values:  # every shipped default still passes
        render_body(purpose, {})


def test_a_template_over_the_length_bound_is_refused(db, settings):
    settings.MESSAGE_TEMPLATE_MAX_CHARS = 100
    with pytest.raises(ValidationError, match="템플릿이 너무 깁니다: 최대 100자"):
        render_source("가" * 101, {})


def test_a_body_over_the_output_bound_is_refused(db, settings):
    settings.MESSAGE_RENDER_MAX_CHARS = 50
    with pytest.raises(ValidationError, match="만들어진 메시지가 너무 깁니다: 최대 50자"):
        render_source("{{ text }}", {"text": "가" * 51})


def test_a_render_past_its_time_bound_stops_with_a_korean_message(db, settings):
    settings.MESSAGE_TEMPLATE_RENDER_SECONDS = 0
    with pytest.raises(ValidationError, match="너무 오래 걸립니다"):
        render_source("{{ name }}", {"name": "박진우"})


def test_a_stored_template_saved_before_the_checks_is_checked_again_at_render(customer, outbox):
    """A loop saved in the old days is not rendered: the customer gets the bank's default text."""
    MessageTemplate.objects.create(purpose=Purpose.INQUIRY_ANSWERED, body=NESTED_LOOPS)
    message = message_enqueue(
        purpose=Purpose.INQUIRY_ANSWERED, customer=customer, key="legacy:1", context={"title": "대출"}
    )
    assert message.body.startswith("[하나은행] 박진우님, 문의하신")
