"""Flask extensions, created unbound and initialised in ``create_app``."""

from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from socialmap.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
compress = Compress()
# Every POST of the app needs a CSRF token, except the few public forms that
# change nothing (they use POST only to keep criteria out of URLs; see create_app).
csrf = CSRFProtect()
# Rate limits (signing in); storage per RATELIMIT_STORAGE_URI (memory: per process).
limiter = Limiter(key_func=get_remote_address)
