from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from api.gateway import key_cache_clear
        from api.stream import stream_event_publish
        from core.invalidation import cache_invalidation_register
        from events.dispatch import event_consumer_register

        # A suspension, a revocation or roll, a plan change: verified keys are forgotten at once.
        for topic in ("tenant", "api_key", "plan"):
            cache_invalidation_register(topic, key_cache_clear)
        # Every committed outbox event is published to the WebSocket stream of its schema.
        event_consumer_register("stream", stream_event_publish)
