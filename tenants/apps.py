from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Tenancy"

    def ready(self) -> None:
        from core.invalidation import cache_invalidation_register
        from tenants.selectors import host_cache_clear

        cache_invalidation_register("tenant", host_cache_clear)
