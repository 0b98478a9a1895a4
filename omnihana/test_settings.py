"""Settings for the test suite: the real settings, with speed-ups that change no behaviour under test."""

import os

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403

if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    # The suite tests PostgreSQL's constraints and search; scripts/test.sh starts a private cluster.
    raise ImproperlyConfigured("Run the tests with ./scripts/test.sh (or DATABASE_URL=postgres://...).")

# Argon2 is the production hasher (asserted in tests/customers/test_auth.py); MD5 keeps fixtures fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
SMS_BACKEND = "memory"
# In-process tests run tasks eagerly; tests/messaging/test_worker.py runs a real worker on Redis.
CELERY_TASK_ALWAYS_EAGER = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
