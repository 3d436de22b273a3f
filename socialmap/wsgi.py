"""The WSGI entry point for production servers: ``gunicorn socialmap.wsgi:app``.

Settings come from ``SOCIALMAP_*`` environment variables (``socialmap/config.py``).
"""

from socialmap import create_app

app = create_app()
