"""Socket.IO handlers. Importing this package registers them on `socketio`."""

from . import connection, console, phone, screen, synthesis, themes, votes  # noqa: F401
