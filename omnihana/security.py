"""Content-Security-Policy on every response: scripts only from this site (no inline scripts, no
eval), nothing framed, forms post only here. Kakao's map and postcode scripts are allowed only when
they are switched on in settings."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def build_policy() -> str:
    script, frame, img, connect = ["'self'"], ["'none'"], ["'self'", "data:", "blob:"], ["'self'"]
    if settings.KAKAO_MAP_JS_KEY:
        script += ["https://dapi.kakao.com", "https://*.daumcdn.net"]
        img += ["https://*.daumcdn.net", "https://*.kakao.com"]
        connect += ["https://dapi.kakao.com"]
    if settings.DAUM_POSTCODE_ENABLED:
        script += ["https://t1.daumcdn.net", "https://*.daumcdn.net"]
        frame = ["https://postcode.map.daum.net", "https://*.daum.net"]
    directives = {
        "default-src": ["'self'"],
        "script-src": sorted(set(script), key=script.index),
        "style-src": ["'self'", "'unsafe-inline'"],  # Summernote and Bootstrap set inline styles
        "img-src": sorted(set(img), key=img.index),
        "font-src": ["'self'", "data:"],
        "connect-src": connect,
        "frame-src": frame,
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = build_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
