"""Extensions, created here and attached to the app in `create_app`."""

from __future__ import annotations

from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Base class of the typed models."""


# Objects keep what they were written with after a commit, so a change can be published
# without reloading it; every write transaction starts by expiring them (transactions.py).
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
socketio = SocketIO()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Log in to run workshops and see your team's canvases."
