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
