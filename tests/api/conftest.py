from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api.keys import api_client_create, api_key_issue


@pytest.fixture
def video_client(db):
    return api_client_create(name="화상창구", channel_code="video")


@pytest.fixture
def api_key(video_client) -> str:
    return api_key_issue(client=video_client)[1]


@pytest.fixture
def api(api_key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key}")
    return client


@pytest.fixture
def record() -> dict:
    return {
        "customer_id": "hanauser1",
        "employee_no": "hnv2001",
        "main_category": "02",
        "middle_category": "0203",
        "title": "화상창구 전세자금대출 상담",
        "notes": "필요 서류와 한도 안내",
        "progress": "in_progress",
        "follow_up": True,
        "occurred_at": "2020-05-23T14:30:00+09:00",
        "external_id": "vt-20200523-0001",
    }
