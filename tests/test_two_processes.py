"""Any web process serves any request: two gunicorn processes on one database and one Redis.

Sessions live in PostgreSQL and the API's rate limit counts in Redis, so a login on one process
serves pages on the other and the limit counts requests to both.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import make_password

from api.keys import api_client_create, api_key_issue
from bench.common import Child, free_port, wait_for
from customers.models import User
from tests.conftest import seed_demo_bank
from tests.worker_fixtures import worker_database_url

pytestmark = pytest.mark.django_db(transaction=True)


class Web(Child):
    def __init__(self, port: int, env: dict[str, str], logdir: Path):
        self.url = f"http://127.0.0.1:{port}"
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        super().__init__(
            f"web-{port}", [gunicorn, "omnihana.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"], env, logdir
        )

    def start(self) -> Web:
        super().start()

        def answers() -> bool:
            try:
                return requests.get(f"{self.url}/accounts/login/", timeout=10).status_code == 200
            except requests.RequestException:  # not listening yet, or still loading the project
                return False

        assert wait_for(answers, 60), self.log.read_text()[-3000:]
        return self


@pytest.fixture
def two_webs(tmp_path) -> Iterator[tuple[Web, Web]]:
    seed_demo_bank()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "omnihana.settings",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "SMS_BACKEND": "console",
        "API_RATE_LIMIT": "5/min",
        "DATABASE_REPLICA_URL": "",
    }
    webs = (Web(free_port(), env, tmp_path).start(), Web(free_port(), env, tmp_path).start())
    yield webs
    for web in webs:
        web.stop()


def test_a_login_on_one_process_serves_pages_on_the_other(two_webs, demo_password):
    first, second = two_webs
    # The suite hashes with MD5 for speed; the processes run the product's settings (Argon2 only).
    User.objects.filter(username="hnv2004").update(password=make_password(demo_password, hasher="argon2"))
    browser = requests.Session()
    page = browser.get(f"{first.url}/accounts/login/", timeout=5).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    signed_in = browser.post(
        f"{first.url}/accounts/login/",
        data={"username": "hnv2004", "password": demo_password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{first.url}/accounts/login/"},
        allow_redirects=False,
        timeout=5,
    )
    assert signed_in.status_code == 302
    today = browser.get(f"{second.url}/staff/", allow_redirects=False, timeout=5)
    assert today.status_code == 200 and "신행복" in today.text
    assert requests.get(f"{second.url}/staff/", allow_redirects=False, timeout=5).status_code == 302


def test_the_api_rate_limit_counts_requests_to_both_processes(two_webs):
    first, second = two_webs
    client = api_client_create(name="두프로세스", channel_code="video")
    headers = {"Authorization": f"Bearer {api_key_issue(client=client)[1]}"}
    answers = [
        requests.get(
            f"{web.url}/api/v1/consultations/?customer_id=hanauser1", headers=headers, timeout=5
        ).status_code
        for web in (first, second, first, second, first, second)
    ]
    assert answers == [200, 200, 200, 200, 200, 429]
