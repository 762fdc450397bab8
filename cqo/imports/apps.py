from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "cqo.imports"
    verbose_name = "名录导入"

    def ready(self) -> None:
        from cqo.certification import hooks
        from cqo.imports.legacy.selectors import record_origin

        # a migrated level certificate's page names the archive file and row it came from
        hooks.provide_origin(record_origin)
