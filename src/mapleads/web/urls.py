from django.urls import include, path

from mapleads.web.api.api import api
from mapleads.web.front import views as front

urlpatterns = [
    path("", front.home, name="home"),
    path("healthz", front.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("profile/", include("mapleads.web.accounts.urls")),
    path("profile/api-keys/", include("mapleads.web.api.urls")),
    path("jobs/", include("mapleads.web.jobs.urls")),
    path("api/", api.urls),
]
