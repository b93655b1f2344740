from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = "Bokning"

    def ready(self):
        from .slotcache import connect_signals

        connect_signals()
