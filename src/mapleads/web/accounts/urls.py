from django.urls import path

from mapleads.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("consents/", views.consents, name="consents"),
    path("export/", views.export, name="export"),
]
