from django.urls import path

from mapleads.web.api import views

app_name = "apikeys"
urlpatterns = [
    path("", views.keys, name="list"),
    path("<int:key_id>/revoke/", views.revoke, name="revoke"),
]
