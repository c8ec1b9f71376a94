"""Events a participant's phone sends: join, answer, edit, delete."""

from __future__ import annotations

from flask import request, session
from flask_socketio import join_room

from .. import access
from ..changes import ParticipantJoined
from ..errors import Forbidden, LimitReached, NotFound
from ..models import Participant
from ..ratelimit import limits
from ..realtime import rooms
from ..realtime.connections import Binding, Role, connections
from ..realtime.publish import publish_presence
from ..realtime.snapshots import own_answer_view, phone_snapshot
from ..services import participation, unit_of_work
from ..services.lookup import NOT_A_PARTICIPANT, REMOVED, UNKNOWN_CODE
from ..services.participation import CLIENT_KEY_MAX
from ..text import ANSWER_MAX, NAME_MAX
from .dispatch import Ack, bind, handles, ok
from .schema import Bool, Str, ident

PHONE = Role.PHONE
# Raw text may carry markup or spaces the cleaner drops; the service applies ANSWER_MAX.
_RAW_ANSWER = Str(ANSWER_MAX * 4)


@handles(
    "phone:join",
    {
        "workshop_id": ident(),
        "token": Str(300, required=False),
        "code": Str(20, required=False),
        "name": Str(NAME_MAX * 4, required=False),
        "anonymous": Bool(required=False),
        "join_key": Str(CLIENT_KEY_MAX, required=False),
    },
)
@unit_of_work.holding  # a newcomer reaches the console once, already online
def join_phone(
    workshop_id: int,
    token: str | None,
    code: str | None,
    name: str | None,
    anonymous: bool | None,
    join_key: str | None,
) -> Ack:
    """Sent by the phone page on load and reconnect; answers with the phone's snapshot.

    The participant comes from the signed rejoin token in the session cookie, or
    from the copy the phone kept in localStorage when the cookie is gone. A phone
    that is nobody yet joins here from its join page, with the workshop's code,
    a name (or anonymously) and a `join_key` of its own, and gets its rejoin
    token back.
    """
    sid: str = request.sid  # type: ignore[attr-defined]
    if connections.get(sid) is not None and not limits.resyncs.allow(sid):
        # A resync builds a whole snapshot; a loop of them is not a phone catching up.
        wait = round(limits.resyncs.retry_after(sid), 3)
        raise LimitReached(
            "Too many resyncs on this connection. Try again shortly.",
            code="rate_limited",
            details={"retry_after": wait},
        )
    person = access.returning_participant(workshop_id, token)
    if person is None:
        if join_key is None:
            raise NotFound(NOT_A_PARTICIPANT)
        person = _newcomer(workshop_id, code, None if anonymous else name, join_key)
    if person.removed_at is not None:
        raise Forbidden(REMOVED, code="removed")
    workshop = person.workshop
    came_online = bind(Binding(workshop.id, PHONE, person.id))
    join_room(rooms.audience(workshop.id, PHONE))
    join_room(rooms.participant(person.id))
    snapshot = phone_snapshot(workshop, person)
    newcomer = any(isinstance(c, ParticipantJoined) for c in unit_of_work.held_changes())
    if came_online and not newcomer:
        question = snapshot["state"]["question"]
        answered = question is not None and any(
            a["question_id"] == question["id"] for a in snapshot["answers"]
        )
        publish_presence(workshop, person, {person.id} if answered else set())
    return ok(**snapshot, rejoin_token=access.rejoin_token(workshop.id, person.id))


def _newcomer(workshop_id: int, code: str | None, name: str | None, join_key: str) -> Participant:
    """Make a new participant, as the join form would: with the code, from its own page.

    The code is checked as on the front door (wrong codes count against the
    browser); new people are counted against the browser's session, never a
    shared IP, and one socket stays one person.
    """
    client = session.get("client")  # set by the join page, read before the code sets one
    if client is None:
        raise Forbidden("Open the workshop's join page to join.")
    if access.workshop_for_code(code or "").id != workshop_id:
        raise NotFound(UNKNOWN_CODE)
    if (bound := connections.get(request.sid)) is not None:  # type: ignore[attr-defined]
        # One socket is one person; a retry here (a slow acknowledgement) finds them.
        known = participation.joined_with(workshop_id, join_key)
        if known is not None and bound.participant_id == known.id:
            return known
        raise Forbidden("This connection has joined already; reload the page.")
    # Past the limit, only a retry of a join already made gets through.
    if not limits.joins.full(client) or participation.joined_with(workshop_id, join_key) is None:
        access.admit_newcomer(workshop_id, client)
    person, created = participation.join_once(workshop_id, name, join_key)
    if created:
        access.count_newcomer(workshop_id, client, person.id)
    return person


@handles(
    "answer:submit",
    {"question_id": ident(), "text": _RAW_ANSWER, "client_key": Str(64, required=False)},
    PHONE,
)
def submit(me: Binding, question_id: int, text: str, client_key: str | None) -> Ack:
    """Store an answer to the current question; acknowledged only once committed.

    Only answers stored count against the answer limit: a phone back from an
    outage resends its outbox, and a resend of an answer already stored, or a
    send that failed, must not use up the room for the new ones.
    """
    assert me.participant_id is not None
    who = ("p", me.participant_id)
    if limits.answers.full(*who) and not (
        client_key and participation.answered_with(me.participant_id, client_key)
    ):
        raise LimitReached(
            "You are sending answers faster than the workshop can take. "
            "Your answer waits and goes out by itself.",
            code="rate_limited",
            details={"retry_after": round(limits.answers.retry_after(*who), 3)},
        )
    answer, created = participation.submit_answer(
        me.workshop_id, me.participant_id, question_id, text, client_key
    )
    if created:
        limits.answers.allow(*who)
    return ok(answer=own_answer_view(answer), duplicate=not created)


@handles("answer:edit", {"answer_id": ident(), "text": _RAW_ANSWER}, PHONE, limits.answers)
def edit(me: Binding, answer_id: int, text: str) -> Ack:
    """Rewrite one of this phone's answers while answering is open."""
    assert me.participant_id is not None
    answer = participation.edit_answer(me.workshop_id, me.participant_id, answer_id, text)
    return ok(answer=own_answer_view(answer))


@handles("answer:delete", {"answer_id": ident()}, PHONE, limits.answers)
def delete(me: Binding, answer_id: int) -> Ack:
    """Delete one of this phone's answers while answering is open."""
    assert me.participant_id is not None
    participation.delete_answer(me.workshop_id, me.participant_id, answer_id)
    return ok(answer_id=answer_id)
