"""gunicorn settings for the web process: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Every value can be changed from the environment (GUNICORN_*) or on the command line (which wins).
Sync workers: each request is short and the database does the waiting; 2 per core is a good start.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count()))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # a request running longer than this is killed
graceful_timeout = 30
keepalive = 5  # behind a proxy that keeps connections open
max_requests = 5000  # recycle workers now and then (memory), with jitter so they do not all restart at once
max_requests_jitter = 500
# Access log to stdout ("" turns it off). Paths with personal tokens are redacted by scheduler.logging_setup;
# the format leaves out the query string and the referrer, which may carry them too.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Only trust X-Forwarded-* from the proxy in front (set to its address).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
