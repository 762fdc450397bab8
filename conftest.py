from cqo.test import personas  # noqa: F401  (shared fixture)
