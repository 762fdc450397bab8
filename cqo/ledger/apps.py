from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "cqo.ledger"
    verbose_name = "学时存证"
