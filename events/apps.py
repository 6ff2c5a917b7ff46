from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Events (outbox)"

    def ready(self) -> None:
        # Registers the ``events.dispatch`` task in every process, not only in workers (Celery's
        # autodiscovery runs at worker start): ``events.dispatch`` enqueues it by name.
        from events import tasks  # noqa: F401
