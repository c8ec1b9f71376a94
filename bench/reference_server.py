"""A bare python-socketio server doing the product's broadcasts, as the benchmark's reference.

It has no database, no authorization and no Flask: phones join a room, an
answer is acknowledged and sent to the projector, and "next" broadcasts a
state of the same size as the product's to every phone. Whatever the product
adds on top shows up as the ratio between the two.

    WORKSHOP_ASYNC_MODE=gevent PORT=5101 python bench/reference_server.py
"""

import os

MODE = os.environ.get("WORKSHOP_ASYNC_MODE", "threading")
if MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()
elif MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()

import socketio  # noqa: E402

PORT = int(os.environ.get("PORT", "5101"))
# Padding so the payloads weigh what the product's do (measured from a real snapshot).
STATE_PADDING = "x" * int(os.environ.get("BENCH_STATE_BYTES", "1200"))

sio = socketio.Server(async_mode=MODE, cors_allowed_origins="*")
app = socketio.WSGIApp(sio)
answers: list[str] = []
reactions: dict[str, str] = {}


@sio.on("phone:join")
def phone_join(sid, payload):
    sio.enter_room(sid, "phones")
    return {"ok": True, "state": {"workshop": {"seq": 0}, "padding": STATE_PADDING}}


@sio.on("screen:join")
def screen_join(sid, payload):
    sio.enter_room(sid, "screen")
    return {"ok": True}


@sio.on("answer:submit")
def answer_submit(sid, payload):
    answers.append(payload["text"])
    sio.emit("answer", {"answer": {"text": payload["text"]}}, to="screen")
    return {"ok": True, "answer": {"text": payload["text"], "status": "saved"}}


@sio.on("workshop:next")
def next_question(sid, payload=None):
    sio.emit("state", {"workshop": {"seq": len(answers)}, "padding": STATE_PADDING}, to="phones")
    return {"ok": True}


@sio.on("canvas:statement")
def statement(sid, payload):
    field = {"key": payload["field"], "statement": payload["text"], "padding": STATE_PADDING[:300]}
    sio.emit("canvas_field", {"field": field}, to="phones")
    return {"ok": True}


@sio.on("canvas:react")
def react(sid, payload):
    reactions[sid] = payload["reaction"]
    tally = {"agree": sum(1 for r in reactions.values() if r == "agree"), "concern": 0}
    sio.emit("reactions", {"field": payload["field"], "reactions": tally}, to="screen")
    return {"ok": True, "reactions": tally}


@sio.on("bench:count")
def count(sid, payload=None):
    return {"ok": True, "answers": len(answers)}


if __name__ == "__main__":
    if MODE == "gevent":
        from gevent import pywsgi

        pywsgi.WSGIServer(("127.0.0.1", PORT), app, log=None).serve_forever()
    elif MODE == "eventlet":
        eventlet.wsgi.server(eventlet.listen(("127.0.0.1", PORT)), app, log_output=False)
    else:
        from werkzeug.serving import run_simple

        run_simple("127.0.0.1", PORT, app, threaded=True)
