from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_packs(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Install the shipped packs (and the deployment's own) after every migrate, so a fresh
    database and an upgraded one both have them; installing is idempotent."""
    from cqo.policy.services import load_all
    from cqo.reference.models import Region

    if sender.name != "cqo.policy" or not Region.objects.using(using).exists():
        return  # a flushed database: the reference data is reloaded first, then the packs
    load_all(skip_changed=True)


class PolicyConfig(AppConfig):
    name = "cqo.policy"
    verbose_name = "政策包"

    def ready(self) -> None:
        from cqo.accounts import departments
        from cqo.audit import display
        from cqo.policy import selectors

        post_migrate.connect(_install_packs, sender=self)
        # accounts asks which departments a region has; the governing pack says (SPEC §12.20)
        departments.provide(selectors.departments_of)
        # the change log cites clauses and packs as the pages do (SPEC §12.24)
        display.provide_citer(selectors.cite)
