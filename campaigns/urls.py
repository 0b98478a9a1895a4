from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("opt-out/report/", views.opt_out_report_view, name="opt_out_report"),
]
