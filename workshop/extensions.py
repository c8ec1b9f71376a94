"""Extensions, created here and attached to the app in `create_app`."""

from __future__ import annotations

from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Constraints and indexes get predictable names, so a migration can name what it drops
# on every backend (SQLite's batch mode needs names; PostgreSQL's own differ).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of the typed models."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Objects keep what they were written with after a commit, so a change can be published
# without reloading it; every write transaction starts by expiring them (transactions.py).
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
socketio = SocketIO()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Log in to run workshops and see your team's canvases."
