from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from events.dispatch import event_consumer_register
        from webhooks import tasks  # noqa: F401 - registered in every process: enqueued by name
        from webhooks.services.fan_out import webhook_event_consume

        # Every committed outbox event is fanned out to the endpoints subscribed to it.
        event_consumer_register("webhooks", webhook_event_consume)
