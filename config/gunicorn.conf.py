"""gunicorn in production (``make serve-prod``): HTTPS on the loopback by default, JSON logs.

Environment: CQO_BIND (default 127.0.0.1:8443), CQO_WORKERS (default 2 × CPUs + 1),
CQO_THREADS (default 1), CQO_TIMEOUT (seconds, default 60), CQO_TLS_CERT / CQO_TLS_KEY (default:
a self-signed certificate made in CQO_DATA_DIR/tls on first start; see cqo/ops/tls.py),
LOG_LEVEL. Run as ``gunicorn -c config/gunicorn.conf.py``; the master's pid is in
CQO_DATA_DIR/run/gunicorn.pid.
"""

import multiprocessing
import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from cqo.ops.tls import certificate  # noqa: E402  (after the project is on the path)

DATA_DIR = Path(os.environ.get("CQO_DATA_DIR") or BASE_DIR / "var")

wsgi_app = "config.wsgi:application"
chdir = str(BASE_DIR)
bind = [os.environ.get("CQO_BIND", "127.0.0.1:8443")]
workers = int(os.environ.get("CQO_WORKERS") or 2 * multiprocessing.cpu_count() + 1)
threads = int(os.environ.get("CQO_THREADS", "1"))
timeout = int(os.environ.get("CQO_TIMEOUT", "60"))
graceful_timeout = 30
# a worker is replaced after this many requests (plus jitter, so they do not restart together),
# which bounds the memory a long-lived worker can accumulate
max_requests = 2000
max_requests_jitter = 200
# Django loaded once in the master, then forked: faster worker starts, shared memory
preload_app = True

certfile, keyfile = (str(p) for p in certificate(DATA_DIR))
# the master's pid, to stop or reload it (kill -TERM / -HUP) without looking for it by name
(DATA_DIR / "run").mkdir(parents=True, exist_ok=True)
pidfile = str(DATA_DIR / "run" / "gunicorn.pid")
# gunicornc's control socket beside it (gunicorn's default, one per home directory, would be
# shared by every gunicorn the user runs)
control_socket = str(DATA_DIR / "run" / "gunicorn.ctl")

# JSON lines on stdout for both gunicorn's own log and its access log (one line per request,
# with the X-Request-ID the application set; cqo/ops/logs.py)
accesslog = "-"
access_log_format = "%(m)s %(U)s %(s)s"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "cqo.ops.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "loggers": {
        "gunicorn.error": {
            "handlers": ["console"],
            "level": os.environ.get("LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
