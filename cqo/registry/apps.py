from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "cqo.registry"
    verbose_name = "登记备案"

    def ready(self) -> None:
        from cqo.notify import kinds, selectors
        from cqo.registry import notices

        # the notices this app sends (cqo.notify sits below it), and the filed mobile they go to
        for kind in notices.KINDS:
            kinds.declare(kind)
        selectors.provide_mobile("registry", notices.filed_mobile)
