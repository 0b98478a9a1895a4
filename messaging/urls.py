from django.urls import path

from . import views

app_name = "messaging"
urlpatterns = [
    path("twilio/status/", views.twilio_status_view, name="twilio_status"),
    path("solapi/report/", views.solapi_report_view, name="solapi_report"),
]
