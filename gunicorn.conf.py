"""gunicorn's settings for the production image (read from the working directory by default).

gunicorn writes `Server: gunicorn` itself, before any of the application's headers, so no Django
middleware can remove it; a reverse proxy could, but the app should not depend on one. The
response class builds that line in `default_headers`; the workers are forked from the master
that reads this file, so wrapping the method here covers every worker.
"""

from __future__ import annotations

from gunicorn.http import wsgi as _gunicorn_wsgi

_default_headers = _gunicorn_wsgi.Response.default_headers


def _default_headers_without_server(self):  # type: ignore[no-untyped-def]
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


_gunicorn_wsgi.Response.default_headers = _default_headers_without_server  # type: ignore[method-assign]
