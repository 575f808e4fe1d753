from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "mapleads.web.front"
    label = "front"
