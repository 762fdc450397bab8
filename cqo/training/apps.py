from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "cqo.training"
    verbose_name = "培训"

    def ready(self) -> None:
        from cqo.hours import facts as hour_facts
        from cqo.registry import facts
        from cqo.training import selectors

        # the pack's conditions may require a training certificate (level-standard §5.2.1)
        facts.TRAINING_CERTIFICATE.provide(
            lambda person_id, on: selectors.has_training_certificate(person_id)
        )
        # hangzhou-spec 聘用与培训·培训: only training by a qualified institution counts
        hour_facts.QUALIFIED_RECORDS.provide(selectors.qualified_records)
