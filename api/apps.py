from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from api.data_generation import write_tracking_install
        from api.gateway import key_cache_clear
        from api.stream import stream_event_publish
        from core.invalidation import cache_invalidation_register
        from events.dispatch import event_consumer_register

        # A suspension, a revocation or roll, a plan change: verified keys are forgotten at once.
        for topic in ("tenant", "api_key", "plan"):
            cache_invalidation_register(topic, key_cache_clear)
        # Every committed outbox event is published to the WebSocket stream of its schema.
        event_consumer_register("stream", stream_event_publish)
        # Every committed write to a tenant schema moves its data generation (the response
        # cache's invalidation), on every connection of every process.
        connection_created.connect(write_tracking_install, dispatch_uid="api.data_generation")
