"""The server entry point: `python wsgi.py`, or `gunicorn -k gevent -w 1 wsgi:app`.

Under gevent or eventlet the standard library must be monkey-patched before
anything else is imported, so this file reads the mode and patches first.
"""

import os

# The default async server, as in workshop/config.py (DEFAULT_ASYNC_MODE), chosen
# by the benchmark; set here too because nothing may be imported before patching.
os.environ.setdefault("WORKSHOP_ASYNC_MODE", "gevent")
_MODE = os.environ["WORKSHOP_ASYNC_MODE"].strip().lower()
if _MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()
elif _MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()
    # psycopg detects gevent but not eventlet: without this it waits for PostgreSQL
    # in C and every other connection freezes (tests/server/test_database_waits.py).
    os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")

from workshop import create_app  # noqa: E402
from workshop.serve import serve  # noqa: E402

app = create_app()

if __name__ == "__main__":
    serve(app)
