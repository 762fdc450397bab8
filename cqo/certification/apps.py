from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "cqo.certification"
    verbose_name = "能力水平认定"

    def ready(self) -> None:
        from cqo.certification import selectors
        from cqo.registry import facts

        # filing.min_level names a capability level the person must hold (level-standard)
        facts.CAPABILITY_LEVEL.provide(
            lambda person_id, on: selectors.certified_level(person_id, on) or ""
        )
