# The worker fixtures live in tests/worker_fixtures.py: the browser scenario uses them too.
from tests.worker_fixtures import (  # noqa: F401
    TWILIO_TEST_TOKEN,
    fake_twilio,
    private_redis,
    publish_to,
    worker,
)
