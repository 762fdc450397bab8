from django.apps import AppConfig


class HoursConfig(AppConfig):
    name = "cqo.hours"
    verbose_name = "学时"

    def ready(self) -> None:
        from cqo.hours import notices
        from cqo.notify import kinds

        # the notices this app sends (cqo.notify sits below it)
        for kind in notices.KINDS:
            kinds.declare(kind)
