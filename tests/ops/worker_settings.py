"""Settings of the Celery worker the Redis tests start: the platform's, with the queue of the
test that started it, so concurrent test runs on one Redis never take each other's tasks."""

import os

from config.settings import *  # noqa: F403  (the platform's settings, one value changed)

CELERY_TASK_DEFAULT_QUEUE = os.environ["CQO_TEST_QUEUE"]
