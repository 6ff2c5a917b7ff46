from django.apps import AppConfig


def _playground_key_revoke_at_logout(sender, request, user, **_kwargs) -> None:
    from portal.docs.playground import playground_key_revoke

    if request is not None:
        playground_key_revoke(request, user=user)


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Developer portal"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        user_logged_out.connect(_playground_key_revoke_at_logout, dispatch_uid="playground-logout")
