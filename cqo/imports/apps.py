from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "cqo.imports"
    verbose_name = "名录导入"

    def ready(self) -> None:
        from cqo.certification import hooks
        from cqo.imports.legacy.selectors import record_origin
        from cqo.registry import facts

        # a migrated level certificate's page and a migrated filing's page name the archive
        # file and row they came from (who migrated them, when)
        hooks.provide_origin(record_origin)
        facts.MIGRATED_FROM.provide(record_origin)
