from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "cqo.talent"
    verbose_name = "人才库"

    def ready(self) -> None:
        from cqo.audit.services import follow
        from cqo.certification import hooks
        from cqo.talent import services
        from cqo.talent.index import AUDIT_TYPES

        follow("cqo.talent.tasks.talent_follow", AUDIT_TYPES)
        # a certification body's recommendation of a certificate holder (level-standard §11)
        hooks.provide_talent_pool(services.recommend)
