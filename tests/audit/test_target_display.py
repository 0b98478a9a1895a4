"""The audit screen names what was looked at in Korean, not the code's own labels."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEntry


@pytest.mark.parametrize(
    ("target", "shown"),
    [
        ("customer page", "손님 상세 화면"),
        ("consultation 3012", "상담 #3012"),
        ("booking 7", "예약 #7"),
        ("inquiry:4", "문의 #4"),
        ("case:9", "사건 #9"),
        ("consultations.csv", "상담 목록 내보내기 (CSV)"),
        ("consultations.xlsx", "상담 목록 내보내기 (XLSX)"),
        ("walk-in customer", "방문 손님 등록"),
        ("consultations.csv job:92", "상담 목록 내보내기 파일 만들기 (CSV) #92"),
        ("consultations.xlsx download job:92", "상담 목록 내보내기 파일 받기 (XLSX) #92"),
        ("customer full details", "손님 전체 정보 보기"),
        ("campaign:3", "캠페인 #3"),
        ("admin messaging.message:5", "관리자 화면: 메시지 #5"),
        ("admin messaging.message", "관리자 화면: 메시지 목록"),
        ("admin index", "관리자 화면"),
        ("", ""),
    ],
)
def test_targets_read_in_korean(target, shown):
    assert AuditEntry(target=target).target_display == shown


def test_the_audit_log_shows_the_korean_target(client, manager, customer):
    AuditEntry.objects.create(
        actor=manager, customer=customer, action=AuditEntry.Action.VIEW, target="inquiry:4"
    )
    client.force_login(manager)
    page = client.get(reverse("staff:audit")).content.decode()
    assert "문의 #4" in page and "inquiry:4" not in page
