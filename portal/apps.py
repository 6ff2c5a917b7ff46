from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Developer portal"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from portal.docs.playground import playground_key_revoke_at_logout

        user_logged_out.connect(playground_key_revoke_at_logout, dispatch_uid="playground-logout")
