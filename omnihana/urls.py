from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from analytics import charts as analytics_charts
from analytics import views as analytics_views
from api import staff_views as api_staff_views
from audit import views as audit_views
from branches import views as branch_views
from campaigns import views as campaign_views
from cases import views as case_views
from consultations import calendar_views, callback_views, staff_views
from consultations import customer_views as my_views
from customers import account_views
from customers import views as login_views
from demo.accounts import login_context
from desk import views as desk_views
from inquiries import staff_views as inquiry_staff_views
from messaging import views as messaging_views

from .health import healthz_view
from .security import session_extend_view

me_patterns = (
    [
        path("", my_views.me_home_view, name="home"),
        path("profile/", account_views.profile_view, name="profile"),
        path("password/", account_views.password_change_view, name="password"),
        path(
            "consultations/<int:pk>/",
            my_views.me_consultation_detail_view,
            name="consultation_detail",
        ),
        path("bookings/", my_views.me_bookings_view, name="bookings"),
        path("bookings/new/", my_views.me_booking_new_view, name="booking_new"),
        path("bookings/<int:pk>/", my_views.me_booking_detail_view, name="booking_detail"),
        path("bookings/<int:pk>/cancel/", my_views.me_booking_cancel_view, name="booking_cancel"),
        path("bookings/<int:pk>/reschedule/", my_views.me_booking_reschedule_view, name="booking_reschedule"),
        path("callbacks/", callback_views.me_callbacks_view, name="callbacks"),
        path("callbacks/new/", callback_views.me_callback_new_view, name="callback_new"),
        path("callbacks/<int:pk>/cancel/", callback_views.me_callback_cancel_view, name="callback_cancel"),
        path("bookings/<int:pk>.ics", my_views.me_booking_ics_view, name="booking_ics"),
        path("cases/", case_views.me_cases_view, name="cases"),
        path("cases/<int:pk>/", case_views.me_case_detail_view, name="case_detail"),
        path(
            "charts/category.json",
            analytics_charts.MyConsultationsChart.as_view(kind="category"),
            name="chart_category",
        ),
        path(
            "charts/channel.json",
            analytics_charts.MyConsultationsChart.as_view(kind="channel"),
            name="chart_channel",
        ),
        path(
            "charts/month.json",
            analytics_charts.MyConsultationsChart.as_view(kind="month"),
            name="chart_month",
        ),
    ],
    "me",
)

staff_patterns = (
    [
        path("", desk_views.staff_today_view, name="today"),
        path("customers/", desk_views.customer_search_view, name="customers"),
        path("customers/new/", desk_views.customer_create_view, name="customer_create"),
        path("customers/merge/", desk_views.customer_merge_view, name="customer_merge"),
        path("customers/<int:pk>/", desk_views.customer_detail_view, name="customer_detail"),
        path("customers/<int:pk>/favourite/", desk_views.favourite_toggle_view, name="favourite_toggle"),
        path("customers/<int:pk>/reveal/", desk_views.customer_reveal_view, name="customer_reveal"),
        path(
            "customers/<int:customer_id>/consultations/new/",
            staff_views.consultation_create_view,
            name="consultation_create",
        ),
        path(
            "customers/<int:customer_id>/book/",
            staff_views.staff_booking_create_view,
            name="booking_create",
        ),
        path(
            "customers/<int:customer_id>/cases/new/",
            case_views.case_create_view,
            name="case_create",
        ),
        path("cases/", case_views.case_list_view, name="cases"),
        path("cases/<int:pk>/", case_views.case_detail_view, name="case_detail"),
        path("cases/<int:pk>/<slug:action>/", case_views.case_action_view, name="case_action"),
        path("teams/", case_views.team_list_view, name="teams"),
        path("teams/new/", case_views.team_edit_view, name="team_create"),
        path("teams/<int:pk>/edit/", case_views.team_edit_view, name="team_edit"),
        path("consultations/", staff_views.consultation_search_view, name="consultations"),
        path(
            "consultations/export.<str:fmt>",
            staff_views.consultation_export_view,
            name="consultation_export",
        ),
        path("exports/<int:pk>/", staff_views.export_job_view, name="export_job"),
        path("exports/download/<str:token>/", staff_views.export_download_view, name="export_download"),
        path(
            "consultations/<int:pk>/edit/",
            staff_views.consultation_edit_view,
            name="consultation_edit",
        ),
        path(
            "consultations/<int:pk>/notes/",
            staff_views.consultation_note_add_view,
            name="consultation_note_add",
        ),
        path("bookings/<int:pk>/", staff_views.booking_detail_view, name="booking_detail"),
        path("bookings/<int:pk>/cancel/", staff_views.booking_cancel_view, name="booking_cancel"),
        path("bookings/<int:pk>/no-show/", staff_views.booking_no_show_view, name="booking_no_show"),
        path("callbacks/", callback_views.staff_callbacks_view, name="callbacks"),
        path("callbacks/<int:pk>/claim/", callback_views.staff_callback_claim_view, name="callback_claim"),
        path(
            "callbacks/<int:pk>/unreachable/",
            callback_views.staff_callback_unreachable_view,
            name="callback_unreachable",
        ),
        path("calendar/", calendar_views.calendar_view, name="calendar"),
        path("calendar/events/", calendar_views.calendar_events_view, name="calendar_events"),
        path("calendar/blocks/", calendar_views.calendar_block_create_view, name="calendar_block_create"),
        path("calendar/blocks/<int:pk>/", calendar_views.calendar_block_view, name="calendar_block"),
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
        path("campaigns/", campaign_views.campaign_list_view, name="campaigns"),
        path("campaigns/new/", campaign_views.campaign_edit_view, name="campaign_create"),
        path("campaigns/segments/new/", campaign_views.segment_create_view, name="segment_create"),
        path("campaigns/segments/upload/", campaign_views.segment_upload_view, name="segment_upload"),
        path("campaigns/segments/count.json", campaign_views.segment_count_view, name="segment_count"),
        path("campaigns/banned-words/", campaign_views.banned_word_list_view, name="banned_words"),
        path(
            "campaigns/banned-words/<int:pk>/delete/",
            campaign_views.banned_word_delete_view,
            name="banned_word_delete",
        ),
        path("campaigns/<int:pk>/", campaign_views.campaign_detail_view, name="campaign_detail"),
        path("campaigns/<int:pk>/edit/", campaign_views.campaign_edit_view, name="campaign_edit"),
        path("campaigns/<int:pk>/results/", campaign_views.campaign_results_view, name="campaign_results"),
        path(
            "campaigns/<int:pk>/results.csv",
            campaign_views.campaign_results_csv_view,
            name="campaign_results_csv",
        ),
        path(
            "campaigns/<int:pk>/<slug:action>/", campaign_views.campaign_action_view, name="campaign_action"
        ),
        path("customers/<int:pk>/opt-out/", campaign_views.customer_opt_out_view, name="customer_opt_out"),
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
    path("", login_views.landing_view, name="home"),
    path("accounts/login/", login_views.LoginView.as_view(extra_context=login_context()), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/session/extend/", session_extend_view, name="session_extend"),
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
    path("campaigns/", include("campaigns.urls")),
    path("api/v1/", include("api.urls")),
    path("healthz", healthz_view, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
