"""Gunicorn settings for ``make run`` (``gunicorn -c python:socialmap.gunicorn_config``).

Overridable with environment variables: ``SOCIALMAP_BIND`` (default
127.0.0.1:5000), ``SOCIALMAP_WEB_WORKERS`` (default 2 x cores + 1),
``SOCIALMAP_WEB_THREADS`` (default 4).

The access log holds no personal data: no client address, no query string
(searches and places people type), no referrer and no user agent; only the
time, method, path, status, size and duration. The route finder takes its
criteria by POST, so they never reach a URL either.
"""

import multiprocessing
import os

wsgi_app = "socialmap.wsgi:app"
bind = os.environ.get("SOCIALMAP_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("SOCIALMAP_WEB_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "gthread"
threads = int(os.environ.get("SOCIALMAP_WEB_THREADS") or 4)
timeout = 60
graceful_timeout = 20
keepalive = 5
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
# Each worker creates its own app (and database connections) after the fork.
preload_app = False
# Gunicorn's control socket is one fixed path per user: two instances on one
# machine (a test beside `make run`) would fight over it. Nothing here uses it.
control_socket_disable = True
