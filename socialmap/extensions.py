"""Flask extensions, created unbound and initialised in ``create_app``."""
from flask_babel import Babel
from flask_compress import Compress
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from socialmap.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
compress = Compress()
