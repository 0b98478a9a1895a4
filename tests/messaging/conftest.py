from __future__ import annotations

import pytest

from messaging.fake_twilio import FakeTwilio

TWILIO_TEST_TOKEN = "test-auth-token"  # noqa: S105 - a made-up token for the local fake


@pytest.fixture
def fake_twilio(settings):
    """The real twilio client talking to a local fake Twilio on loopback."""
    with FakeTwilio() as server:
        settings.SMS_BACKEND = "twilio"
        settings.TWILIO_API_BASE = server.url
        settings.TWILIO_ACCOUNT_SID = "AC" + "0" * 32
        settings.TWILIO_AUTH_TOKEN = TWILIO_TEST_TOKEN
        settings.TWILIO_FROM_NUMBER = "+15005550006"
        settings.SMS_SEND_TIMEOUT = 0.5
        settings.SMS_RETRY_BASE_SECONDS = 0.01
        yield server
