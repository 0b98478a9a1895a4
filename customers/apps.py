from django.apps import AppConfig


class CustomersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "customers"

    def ready(self) -> None:
        # Connects the sign-in receiver that stamps staff sessions (idle and absolute timeouts).
        from omnihana import security  # noqa: F401
