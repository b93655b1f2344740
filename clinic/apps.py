from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Mottagningen"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)
        from .cache import connect_signals

        connect_signals()
