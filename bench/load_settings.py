"""Settings of the load benchmark's server (bench/load.py): the platform's own settings, served
with the bench URLconf, which adds the bare baseline view to the platform's URLs."""

from config.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.load_urls"
# plain HTTP on the loopback: in production a TLS proxy sits in front of gunicorn
SECURE_SSL_REDIRECT = False
# wrk drives the public verification from one address at ~1,000 requests/s: the limit is raised
# out of reach, not switched off, so each request still pays for the check
CQO_PUBLIC_VERIFY_RATE = "1000000000/s"
