"""Socket.IO handlers. Importing this package registers them on `socketio`."""

from . import connection, console, phone, screen  # noqa: F401
