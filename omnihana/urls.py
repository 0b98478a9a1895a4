from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from consultations import views as consultation_views
from customers import views as customer_views
from messaging import views as messaging_views

from .health import healthz_view

me_patterns = (
    [
        path("", consultation_views.me_home_view, name="home"),
    ],
    "me",
)

staff_patterns = (
    [
        path("", consultation_views.staff_today_view, name="today"),
        path("messages/", messaging_views.message_list_view, name="messages"),
        path("messages/<int:pk>/", messaging_views.message_detail_view, name="message_detail"),
        path("messages/<int:pk>/retry/", messaging_views.message_retry_view, name="message_retry"),
        path("messages/templates/", messaging_views.message_template_list_view, name="message_templates"),
        path(
            "messages/templates/<slug:purpose>/",
            messaging_views.message_template_edit_view,
            name="message_template_edit",
        ),
        path(
            "messages/templates/<slug:purpose>/preview/",
            messaging_views.message_template_preview_view,
            name="message_template_preview",
        ),
    ],
    "staff",
)

urlpatterns = [
    path("", customer_views.landing_view, name="home"),
    path("accounts/login/", customer_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", include(me_patterns)),
    path("staff/", include(staff_patterns)),
    path("messaging/", include("messaging.urls")),
    path("healthz", healthz_view, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
