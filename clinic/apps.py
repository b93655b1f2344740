from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Mottagningen"

    def ready(self):
        from .pagecache import connect_signals

        connect_signals()
