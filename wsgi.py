"""The server entry point: `python wsgi.py`, or `gunicorn -k gevent -w 1 wsgi:app`.

Under gevent or eventlet the standard library must be monkey-patched before
anything else is imported, so this file reads the mode and patches first.
"""

import os

_MODE = (os.environ.get("WORKSHOP_ASYNC_MODE") or "").strip().lower()
if _MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()
elif _MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()

from workshop import create_app  # noqa: E402
from workshop.serve import serve  # noqa: E402

app = create_app()

if __name__ == "__main__":
    serve(app)
