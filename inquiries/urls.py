from django.urls import path

from . import views

app_name = "inquiries"

urlpatterns = [
    path("", views.inquiry_list_view, name="list"),
    path("new/", views.inquiry_new_view, name="new"),
    path("<int:pk>/", views.inquiry_detail_view, name="detail"),
    path("uploads/", views.upload_view, name="upload"),
    path("files/<int:pk>/", views.file_view, name="file"),
    path("faq/", views.faq_list_view, name="faq"),
    path("faq/<int:pk>/", views.faq_detail_view, name="faq_detail"),
    path("faq/<int:pk>/helpful/", views.faq_helpful_view, name="faq_helpful"),
]
