from django.urls import path

from . import views

app_name = "branches"

urlpatterns = [
    path("", views.branch_list_view, name="list"),
    path("<int:pk>/", views.branch_detail_view, name="detail"),
]
