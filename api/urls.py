from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

app_name = "api"

urlpatterns = [
    path("consultations/", views.ConsultationsView.as_view(), name="consultations"),
    path("consultations/bulk/", views.ConsultationsBulkView.as_view(), name="consultations_bulk"),
    path("cases/", views.CasesView.as_view(), name="cases"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
