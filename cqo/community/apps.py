from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "cqo.community"
    verbose_name = "联盟与交流"
