from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from api import staff_views as api_staff_views
from audit import views as audit_views
from branches import views as branch_views
from consultations import analytics_views
from consultations import views as consultation_views
from consultations.analytics import counts_by_category, counts_by_channel, counts_by_month
from consultations.charts import MyConsultationsChart
from customers import account_views
from customers import views as customer_views
from inquiries import staff_views as inquiry_staff_views
from messaging import views as messaging_views

from .health import healthz_view

me_patterns = (
    [
        path("", consultation_views.me_home_view, name="home"),
        path("profile/", account_views.profile_view, name="profile"),
        path("password/", account_views.password_change_view, name="password"),
        path(
            "consultations/<int:pk>/",
            consultation_views.me_consultation_detail_view,
            name="consultation_detail",
        ),
        path("bookings/", consultation_views.me_bookings_view, name="bookings"),
        path("bookings/new/", consultation_views.me_booking_new_view, name="booking_new"),
        path("bookings/<int:pk>/", consultation_views.me_booking_detail_view, name="booking_detail"),
        path("bookings/<int:pk>/cancel/", consultation_views.me_booking_cancel_view, name="booking_cancel"),
        path("bookings/<int:pk>.ics", consultation_views.me_booking_ics_view, name="booking_ics"),
        path(
            "charts/category.json",
            MyConsultationsChart.as_view(counter=counts_by_category),
            name="chart_category",
        ),
        path(
            "charts/channel.json",
            MyConsultationsChart.as_view(counter=counts_by_channel),
            name="chart_channel",
        ),
        path(
            "charts/month.json",
            MyConsultationsChart.as_view(counter=counts_by_month, line=True),
            name="chart_month",
        ),
    ],
    "me",
)

staff_patterns = (
    [
        path("", consultation_views.staff_today_view, name="today"),
        path("customers/", customer_views.customer_search_view, name="customers"),
        path("customers/<int:pk>/", customer_views.customer_detail_view, name="customer_detail"),
        path("customers/<int:pk>/favourite/", customer_views.favourite_toggle_view, name="favourite_toggle"),
        path(
            "customers/<int:customer_id>/consultations/new/",
            consultation_views.consultation_create_view,
            name="consultation_create",
        ),
        path(
            "customers/<int:customer_id>/book/",
            consultation_views.staff_booking_create_view,
            name="booking_create",
        ),
        path("consultations/", consultation_views.consultation_search_view, name="consultations"),
        path(
            "consultations/export.<str:fmt>",
            consultation_views.consultation_export_view,
            name="consultation_export",
        ),
        path(
            "consultations/<int:pk>/edit/",
            consultation_views.consultation_edit_view,
            name="consultation_edit",
        ),
        path("bookings/<int:pk>/", consultation_views.booking_detail_redirect_view, name="booking_detail"),
        path("calendar/", consultation_views.calendar_view, name="calendar"),
        path("calendar/events/", consultation_views.calendar_events_view, name="calendar_events"),
        path("calendar/blocks/", consultation_views.calendar_block_create_view, name="calendar_block_create"),
        path("calendar/blocks/<int:pk>/", consultation_views.calendar_block_view, name="calendar_block"),
        path("inquiries/", inquiry_staff_views.queue_view, name="inquiries"),
        path("inquiries/<int:pk>/", inquiry_staff_views.detail_view, name="inquiry_detail"),
        path("inquiries/<int:pk>/assign/", inquiry_staff_views.assign_view, name="inquiry_assign"),
        path("inquiries/<int:pk>/faq/", inquiry_staff_views.faq_publish_view, name="inquiry_faq"),
        path("faq/<int:pk>/unpublish/", inquiry_staff_views.faq_unpublish_view, name="faq_unpublish"),
        path("analytics/", analytics_views.analytics_view, name="analytics"),
        path(
            "analytics/charts/<slug:name>.json",
            analytics_views.AnalyticsChartView.as_view(),
            name="analytics_chart",
        ),
        path("analytics/export/<slug:name>.csv", analytics_views.analytics_csv_view, name="analytics_csv"),
        path("branches/", branch_views.staff_branch_list_view, name="branches"),
        path("branches/new/", branch_views.staff_branch_edit_view, name="branch_create"),
        path("branches/<int:pk>/edit/", branch_views.staff_branch_edit_view, name="branch_edit"),
        path("audit/", audit_views.audit_list_view, name="audit"),
        path("messages/", messaging_views.message_list_view, name="messages"),
        path("messages/<int:pk>/", messaging_views.message_detail_view, name="message_detail"),
        path("messages/<int:pk>/retry/", messaging_views.message_retry_view, name="message_retry"),
        path("messages/templates/", messaging_views.message_template_list_view, name="message_templates"),
        path("api-clients/", api_staff_views.api_client_list_view, name="api_clients"),
        path("api-clients/<int:pk>/keys/", api_staff_views.api_key_create_view, name="api_key_create"),
        path("api-keys/<int:pk>/revoke/", api_staff_views.api_key_revoke_view, name="api_key_revoke"),
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
    path("accounts/signup/", account_views.signup_view, name="signup"),
    path("accounts/otp/", account_views.otp_send_view, name="otp_send"),
    path("accounts/password-reset/", account_views.password_reset_view, name="password_reset"),
    path(
        "accounts/password-reset/confirm/",
        account_views.password_reset_confirm_view,
        name="password_reset_confirm",
    ),
    path("me/", include(me_patterns)),
    path("staff/", include(staff_patterns)),
    path("inquiries/", include("inquiries.urls")),
    path("branches/", include("branches.urls")),
    path("messaging/", include("messaging.urls")),
    path("api/v1/", include("api.urls")),
    path("healthz", healthz_view, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
