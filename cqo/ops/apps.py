from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "cqo.ops"
    verbose_name = "运维"

    def ready(self) -> None:
        from django.core.signals import request_finished
        from django.db.models.signals import pre_save

        from cqo.lib import bounds
        from cqo.ops import logs

        logs.install_record_factory()
        request_finished.connect(logs.forget_request, dispatch_uid="cqo.ops.forget_request")
        # Every text a model stores is within its field's max_length, whichever path saved it
        # (cqo/lib/bounds.py): a guard like a database constraint, not business flow.
        pre_save.connect(bounds.refuse_overlong, dispatch_uid="cqo.lib.bounds.refuse_overlong")
