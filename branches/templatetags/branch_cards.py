"""{% branch_card branch distance open_now %}: one branch's card, written in Python.

Twelve cards through the template engine (three URL tags, a translated block with two time
filters, the service badges) were more than half of the branch finder page's time on a 2-core
machine (bench/analytics.py). The same HTML built with format_html: every value escaped."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from branches.models import Branch
from core.urls import url_maker

register = template.Library()


def _hhmm(moment: Any) -> str:
    return moment.strftime("%H:%M") if moment is not None else ""


def _distance(km: float) -> str:
    # Under a kilometre in whole metres, from there in kilometres with one decimal.
    if km < 1:
        return f"{round(km * 1000)}m"
    return f"{floatformat(km, 1)}km"


class _Page:
    """What every card on a page shares: its words, its URLs and the service labels, looked up once."""

    def __init__(self) -> None:
        self.open, self.closed = _("영업 중"), _("영업 종료")
        self.hours = _("평일 %(o)s~%(c)s (주말·공휴일 휴무)")
        self.book, self.call = _("이 지점에서 상담 예약"), _("전화 요청")
        self.booking_url, self.callback_url = reverse("me:booking_new"), reverse("me:callback_new")
        self.detail_url = url_maker("branches:detail")
        self.labels = {value: str(label) for value, label in Branch.Service.choices}


@register.simple_tag
def branch_card(b: Branch, distance: float | None = None, open_now: bool = False) -> SafeString:
    return _card(_Page(), b, distance, open_now)


@register.simple_tag
def branch_cards(found: Any) -> SafeString:
    """The finder's page of cards, each in its grid column."""
    page = _Page()
    return SafeString(
        "".join(
            f'<div class="col-md-6 col-xl-4">{_card(page, f.branch, f.distance, f.open_now)}</div>\n'
            for f in found
        )
    )


def _card(page: _Page, b: Branch, distance: float | None, open_now: bool) -> SafeString:
    if open_now:
        status = format_html('<span class="badge text-bg-success">{}</span>', page.open)
    else:
        status = format_html('<span class="badge text-bg-light">{}</span>', page.closed)
    far = (
        format_html(
            '<span class="ms-auto small fw-semibold text-primary text-nowrap oh-distance">{}</span>',
            _distance(distance),
        )
        if distance is not None
        else ""
    )
    second_phone = format_html(' · <a href="tel:{}">{}</a>', b.phone2, b.phone2) if b.phone2 else ""
    hours = page.hours % {"o": _hhmm(b.opens_at), "c": _hhmm(b.closes_at)}
    services = (
        '<div class="mb-1">'
        + "".join(
            f'<span class="badge text-bg-light me-1">{escape(page.labels.get(value, value))}</span>'
            for value in b.services
        )
        + "</div>"
        if b.services
        else ""
    )
    remarks = format_html('<p class="small text-muted mb-2">{}</p>', b.remarks) if b.remarks else ""
    actions = ""
    if b.kind == Branch.Kind.BRANCH:
        actions = format_html(
            '<div class="mt-auto pt-2"><a class="btn btn-sm btn-primary" href="{}?branch={}">'
            '<i class="bi bi-calendar-plus"></i> {}</a>\n'
            '      <a class="btn btn-sm btn-outline-primary" href="{}?branch={}">'
            '<i class="bi bi-telephone-plus"></i> {}</a></div>',
            page.booking_url,
            b.pk,
            page.book,
            page.callback_url,
            b.pk,
            page.call,
        )
    return format_html(
        '<article class="card oh-card h-100 oh-branch" data-lat="{}" data-lng="{}" data-name="{}" id="branch-{}">'
        '<div class="card-body d-flex flex-column">'
        '<div class="d-flex align-items-start gap-2 mb-1">'
        '<h2 class="h6 mb-0"><a class="text-reset" href="{}">{}</a></h2>{}{}</div>'
        '<p class="small mb-1"><i class="bi bi-geo-alt"></i> {} <span class="text-muted">({})</span></p>'
        '<p class="small mb-1"><i class="bi bi-telephone"></i> <a href="tel:{}">{}</a>{}</p>'
        '<p class="small mb-1"><i class="bi bi-clock"></i> {}</p>'
        "{}{}{}</div></article>",
        "" if b.latitude is None else str(b.latitude),
        "" if b.longitude is None else str(b.longitude),
        b.name,
        b.pk,
        page.detail_url(b.pk),
        b.name,
        status,
        far,
        b.address,
        b.postcode,
        b.phone1,
        b.phone1,
        second_phone,
        hours,
        SafeString(services),
        remarks,
        actions,
    )
