from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "cqo.ops"
    verbose_name = "运维"

    def ready(self) -> None:
        from django.core.signals import request_finished

        from cqo.ops import logs

        logs.install_record_factory()
        request_finished.connect(logs.forget_request, dispatch_uid="cqo.ops.forget_request")
