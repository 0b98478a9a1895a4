import pytest

from messaging.body import default_template_source
from messaging.models import MessageTemplate, Purpose
from tests.fakes.solapi import API_KEY, API_SECRET, FakeSolapi

# The worker fixtures live in tests/worker_fixtures.py: the browser scenario uses them too.
from tests.worker_fixtures import (  # noqa: F401
    TWILIO_TEST_TOKEN,
    fake_twilio,
    lane_workers,
    private_redis,
    publish_to,
    worker,
)


@pytest.fixture
def fake_solapi(settings):
    with FakeSolapi() as server:
        settings.SMS_BACKEND = "solapi"
        settings.SOLAPI_API_BASE = server.url
        settings.SOLAPI_API_KEY = API_KEY
        settings.SOLAPI_API_SECRET = API_SECRET
        settings.SOLAPI_SENDER = "02-1588-1111"
        settings.SOLAPI_PF_ID = "KA01PF0000000000000000000000"
        settings.SMS_RETRY_BASE_SECONDS = 0
        yield server


@pytest.fixture
def alimtalk_for_answers(db, manager):
    MessageTemplate.objects.create(
        purpose=Purpose.INQUIRY_ANSWERED,
        body=default_template_source(Purpose.INQUIRY_ANSWERED),
        alimtalk_template="TPL_INQUIRY_ANSWERED",
        updated_by=manager,
    )
