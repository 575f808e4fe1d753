from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "mapleads.web.jobs"
    label = "jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from mapleads.web.jobs import tasks  # noqa: F401  (registers the Huey tasks)
