from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "cqo.certification"
    verbose_name = "能力水平认定"

    def ready(self) -> None:
        from cqo.blacklist import hooks
        from cqo.certification import selectors
        from cqo.certification.services import listing_notices_record, review_requests_open
        from cqo.registry import facts

        # filing.min_level names a capability level the person must hold (level-standard)
        facts.CAPABILITY_LEVEL.provide(
            lambda person_id, on: selectors.certified_level(person_id, on) or ""
        )
        # SPEC §12.15: an exit listing asks the body for a review, not an automatic suspension
        hooks.listen_to_exits("certification", review_requests_open)
        # level-standard §11: a warning listing notifies the body and shows on the certificate
        hooks.listen_to_warnings("certification", listing_notices_record)
