from django.apps import AppConfig
from django.conf import settings
from django_summernote.apps import DjangoSummernoteConfig


class SummernoteConfig(DjangoSummernoteConfig):
    """django-summernote with the project's fixes (see shared/STACK-NOTES.md).

    Its own config has no default_auto_field (so makemigrations would write into
    site-packages), and update_config() always points Bootstrap and jQuery at CDNs,
    which this project never loads from.
    """

    default_auto_field = "django.db.models.AutoField"

    def update_config(self) -> None:
        settings.SUMMERNOTE_THEME = "bs5"
        super().update_config()
        self.config["base_css"] = ("vendor/bootstrap/bootstrap.min.css",)
        self.config["base_js"] = ("vendor/jquery/jquery.min.js", "vendor/bootstrap/bootstrap.bundle.min.js")
        self.config["codemirror_css"] = ()
        self.config["codemirror_js"] = ()
        self.config["attachment_require_authentication"] = True
        self.config["iframe"] = False  # in-place editor: no framed pages, so X-Frame-Options can be DENY
        self.config["summernote"].update({"lang": "ko-KR", "width": "100%", "height": 320})


class OmnihanaConfig(AppConfig):
    """The project itself: wires what belongs to no single domain (the staff-session receiver)."""

    name = "omnihana"

    def ready(self) -> None:
        from django.contrib import admin
        from django_summernote.utils import get_attachment_model

        from . import security  # noqa: F401 - connects the sign-in receiver (idle and absolute timeouts)

        # The editor uploads nothing through django-summernote (its URLs are not routed; inquiry files
        # are inquiries.Attachment), so its own attachment model stays out of the Django admin, where it
        # only showed an English, always-empty "Attachments" section. Admin autodiscovery has run: the
        # admin app is first in INSTALLED_APPS.
        if admin.site.is_registered(get_attachment_model()):
            admin.site.unregister(get_attachment_model())
