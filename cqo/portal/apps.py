from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top of the layer order: pages that gather several apps (each role's home, the work
    queues, a person's whole record) and the demo driver."""

    name = "cqo.portal"
    verbose_name = "门户"
