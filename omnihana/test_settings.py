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

if "replica" in DATABASES:  # noqa: F405
    # scripts/test.sh starts a real streaming standby of the private cluster; it holds the test
    # database too (CREATE DATABASE replicates), so the alias only needs the test database's name.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # noqa: F405
# Off by default: most tests write inside a transaction the standby never sees. tests/test_replica.py
# turns it on around committed data.
REPLICA_READS = False
