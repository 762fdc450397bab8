from django.apps import AppConfig


class BlacklistConfig(AppConfig):
    name = "cqo.blacklist"
    verbose_name = "警示与退出"

    def ready(self) -> None:
        from cqo.blacklist import notices
        from cqo.notify import kinds

        # the notices this app sends (cqo.notify sits below it)
        for kind in notices.KINDS:
            kinds.declare(kind)

        from cqo.blacklist import selectors
        from cqo.registry import facts

        # a filing is blocked by an exit listing and shows a warning (SPEC §12.11)
        facts.LISTINGS.provide(selectors.listing_facts)
        # an appointment migrated from an archive as still running is refused the same way
        facts.EXIT_LISTED.provide(selectors.exit_listed_among)
