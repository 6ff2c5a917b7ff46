from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from api.gateway import key_cache_clear
        from core.invalidation import cache_invalidation_register

        # A suspension, a revocation or roll, a plan change: verified keys are forgotten at once.
        for topic in ("tenant", "api_key", "plan"):
            cache_invalidation_register(topic, key_cache_clear)
