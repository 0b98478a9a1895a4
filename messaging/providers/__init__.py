"""SMS providers behind one interface, chosen by settings.SMS_BACKEND."""

from __future__ import annotations

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .base import PermanentError, ProviderTimeout, SendResult, SmsProvider, TransientError

BACKENDS = {
    "console": "messaging.providers.console.ConsoleProvider",
    "memory": "messaging.providers.memory.MemoryProvider",
    "twilio": "messaging.providers.twilio.TwilioProvider",
    "solapi": "messaging.providers.solapi.SolapiProvider",
}

_cache: dict[str, SmsProvider] = {}


def provider_class(name: str) -> type[SmsProvider]:
    return import_string(BACKENDS.get(name, name))


def get_provider() -> SmsProvider:
    name = settings.SMS_BACKEND
    if name not in _cache:
        _cache.clear()
        _cache[name] = provider_class(name)()
    return _cache[name]


@receiver(setting_changed)
def _forget_provider(*, setting: str, **kwargs: object) -> None:
    if setting.startswith(("SMS_", "TWILIO_", "SOLAPI_")):
        _cache.clear()


__all__ = [
    "PermanentError",
    "ProviderTimeout",
    "SendResult",
    "SmsProvider",
    "TransientError",
    "get_provider",
    "provider_class",
]
