"""Sending what changed to the rooms that may see it.

Phones get the workshop's state, never other people's answers, so the traffic
to the room stays flat as the room grows. The console gets each answer and
each participant as it happens; the live numbers (counts, reaction tallies)
are coalesced to a few updates a second (`coalesce.py`).
"""

from __future__ import annotations

from flask import has_request_context, request

from .. import sequence
from ..changes import (
    AnswerChanged,
    AnswerRemoved,
    AnswersMerged,
    Change,
    DotsPlaced,
    FieldChanged,
    ParticipantJoined,
    ParticipantRemoved,
    ReactionChanged,
    RoomChanged,
    RoomMoved,
    ShareChanged,
    ThemesChanged,
    VersionSealed,
    VoteChanged,
    WallChanged,
)
from ..extensions import db, socketio
from ..method import get_method
from ..models import Answer, CanvasField, Participant, Question, Workshop
from ..phases import Phase
from ..services import canvas
from ..services.participation import RemovedAnswer
from . import rooms
from .coalesce import live_updates
from .connections import Role, connections
from .snapshots import (
    answer_view,
    answered_current,
    cloud_view,
    console_move,
    console_state,
    counts,
    field_view,
    own_answer_view,
    participant_view,
    phone_state,
    screen_state,
    wall_view,
)
from .theme_views import scope_view, screen_themes
from .vote_views import live_results

COUNTS = "counts"
CLOUD = "cloud"
THEMES = "themes"
VOTES = "votes"
# Changes after which a question's word cloud may read differently.
_CLOUD_CHANGES = (AnswerChanged, AnswerRemoved, AnswersMerged, ParticipantRemoved)
_REACTIONS = "reactions:"
# Changes after which every audience gets its whole state: what they change is everywhere.
_WHOLE = (RoomChanged, VersionSealed)
# After a removal the console and the projector get theirs (people, answers, counts and
# tallies all change); the phones' state does not, and a room of phones is not sent it.
# So after a vote's results are shown or hidden (a VoteChanged for the room alone; one
# that phones hear is a whole change, above).
_WHOLE_FOR_THE_ROOM = (ParticipantRemoved, VoteChanged)


def deliver(changes: list[Change]) -> None:
    """Publish a unit of work's committed changes, in order, to the rooms that must hear them.

    The one way a change reaches the room (services/unit_of_work.py calls it).
    A change after which every audience needs its whole state sends that once,
    and the canvas and moves it includes are not sent again on their own.
    """
    origin = _origin_sid()
    by_workshop: dict[int, list[Change]] = {}
    for change in changes:
        by_workshop.setdefault(change.workshop_id, []).append(change)
    for workshop_id, group in by_workshop.items():
        if all(isinstance(c, DotsPlaced) for c in group):
            # A room voting at once: nothing here needs the workshop's row read again.
            for change in group:
                publish_dots(change, skip_sid=origin)  # type: ignore[arg-type]
            continue
        workshop = db.session.get(Workshop, workshop_id)
        if workshop is None:
            continue
        whole = any(
            isinstance(c, _WHOLE)
            or (isinstance(c, RoomMoved) and not c.within_questions)
            or (isinstance(c, VoteChanged) and c.phones)
            for c in group
        )
        if whole:
            publish_state(workshop)
        elif any(isinstance(c, RoomMoved) for c in group):
            publish_move(workshop)
        if not whole and any(isinstance(c, _WHOLE_FOR_THE_ROOM) for c in group):
            _publish_room_state(workshop)
        told: set[object] = set()  # a scope's themes or a field go once, however many changed
        for change in group:
            once = _once_key(change)
            if once is not None:
                if once in told:
                    continue
                told.add(once)
            _deliver_one(workshop, change, whole, origin)
        # Whether the question shows as a cloud is read when the coalesced send comes,
        # once, not here: an answer's path reads nothing more than it did.
        if any(isinstance(c, _CLOUD_CHANGES) for c in group):
            live_updates.mark(workshop.id, CLOUD)
            live_updates.mark(workshop.id, THEMES)


def _once_key(change: Change) -> object | None:
    """Return what a change sends in full (a scope's themes, a field's pins), if it does:
    one message carries the latest, so a unit of work sends it once."""
    if isinstance(change, ThemesChanged):
        return ("themes", change.scope)
    if isinstance(change, FieldChanged) and change.pins_only:
        return ("pins", change.field.key)
    return None


def _shows_cloud(workshop: Workshop) -> bool:
    question = workshop.current_question
    return question is not None and question.show_as == "cloud"


def _deliver_one(workshop: Workshop, change: Change, whole: bool, origin: str | None) -> None:
    if isinstance(change, AnswerChanged):
        publish_answer(workshop, change.answer, skip_sid=origin)
    elif isinstance(change, AnswerRemoved):
        publish_answer_removed(workshop, change.removed, skip_sid=origin)
    elif isinstance(change, AnswersMerged):
        publish_merged(workshop, change.answers)
    elif isinstance(change, ParticipantJoined):
        publish_presence(workshop, change.participant, set())
    elif isinstance(change, ReactionChanged):
        publish_reactions(workshop.id, change.field_key)
    elif isinstance(change, DotsPlaced):
        publish_dots(change, skip_sid=origin)
    elif whole:
        return  # the whole state already carried it
    elif isinstance(change, FieldChanged):
        publish_field(workshop, change.field, phones=not change.pins_only)
    elif isinstance(change, ShareChanged):
        publish_share(workshop)
    elif isinstance(change, WallChanged):
        publish_wall(workshop)
    elif isinstance(change, ThemesChanged):
        publish_themes(workshop, change.scope)


def _origin_sid() -> str | None:
    """Return the socket whose event made the change: its own tab already has the answer."""
    return getattr(request, "sid", None) if has_request_context() else None


def publish_state(workshop: Workshop) -> None:
    """Send each audience its whole snapshot after the room has moved.

    The room of phones goes first: it is the largest, and its snapshot is the
    cheapest to build, so the new question reaches the room before the console
    (which carries every answer) is even built.
    """
    online = _phones_then_projector(workshop)
    socketio.emit(
        "state", console_state(workshop, online), to=rooms.audience(workshop.id, Role.FACILITATOR)
    )


def _publish_room_state(workshop: Workshop) -> None:
    """Send the console and the projector their whole snapshots; the phones nothing."""
    online = connections.online(workshop.id)
    console, screen = _rooms(workshop)
    socketio.emit("state", screen_state(workshop, online), to=screen)
    socketio.emit("state", console_state(workshop, online), to=console)


def publish_move(workshop: Workshop) -> None:
    """Send a move within the questions: whole snapshots, but only what moved to the console."""
    online = _phones_then_projector(workshop)
    socketio.emit(
        "moved", console_move(workshop, online), to=rooms.audience(workshop.id, Role.FACILITATOR)
    )


def _phones_then_projector(workshop: Workshop) -> frozenset[int]:
    socketio.emit("state", phone_state(workshop), to=rooms.audience(workshop.id, Role.PHONE))
    # Under gevent and eventlet, let the sockets' writers send it before building the rest.
    socketio.sleep(0)
    online = connections.online(workshop.id)
    socketio.emit(
        "state", screen_state(workshop, online), to=rooms.audience(workshop.id, Role.SCREEN)
    )
    return online


def _rooms(workshop: Workshop) -> tuple[str, str]:
    return (
        rooms.audience(workshop.id, Role.FACILITATOR),
        rooms.audience(workshop.id, Role.SCREEN),
    )


def _on_screen(workshop: Workshop, question_id: int) -> bool:
    """Return whether that question's answers are showing on the projector now.

    Read afresh, after the answer's commit: a reveal that committed in the
    meantime (another process, on PostgreSQL) must not leave the answer off
    the projector, and a reveal that commits later includes it in its snapshot.
    On PostgreSQL the change numbers' bump after the commit has read it already,
    on its own connection, just after the bump (sequence.py).
    """
    looked, shown = sequence.shown_after_commit(db.session(), workshop.id)
    if looked:
        return shown == question_id
    return bool(
        db.session.execute(
            db.select(Question.revealed)
            .join(Workshop, Workshop.id == Question.workshop_id)
            .where(
                Question.id == question_id,
                Workshop.id == workshop.id,
                Workshop.phase == Phase.QUESTIONS.value,
                Workshop.position == Question.position,
            )
        ).scalar_one_or_none()
    )


def _answer_on_screen(workshop: Workshop, answer: Answer) -> bool:
    """Return whether the answer's question is showing on the projector now.

    On SQLite the write that stored the answer held the database's only write
    lock (BEGIN IMMEDIATE, across processes too), and everything it read was read
    under that lock or after its commit: no reveal can have slipped in between,
    so what is in memory is the truth and needs no query. Elsewhere, ask again.
    """
    if db.session.get_bind().dialect.name != "sqlite":
        return _on_screen(workshop, answer.question_id)
    question = answer.question
    return (
        question.revealed
        and workshop.phase == Phase.QUESTIONS.value
        and workshop.position == question.position
    )


def _removed(answer: Answer | RemovedAnswer) -> dict[str, int]:
    return {"id": answer.id, "question_id": answer.question_id}


def publish_answer(workshop: Workshop, answer: Answer, *, skip_sid: str | None = None) -> None:
    """Send a new, edited or (un)hidden answer to the console and, if shown, the screen."""
    console, screen = _rooms(workshop)
    socketio.emit("answer", {"answer": answer_view(answer), "seq": workshop.seq}, to=console)
    if _answer_on_screen(workshop, answer):
        # The projector sees only revealed answers, so its messages carry their change
        # number as `order`: to be put in order against a slower snapshot, never counted.
        order = workshop.seq
        if answer.hidden:
            socketio.emit("answer_removed", {**_removed(answer), "order": order}, to=screen)
        else:
            shown = answer_view(answer, with_author=False)
            socketio.emit("answer", {"answer": shown, "order": order}, to=screen)
    live_updates.mark(workshop.id, COUNTS)
    # The author's other tabs and devices stay in step with the one that sent it.
    socketio.emit(
        "my_answer",
        own_answer_view(answer),
        to=rooms.participant(answer.participant_id),
        skip_sid=skip_sid,
    )


def publish_answer_removed(
    workshop: Workshop, answer: RemovedAnswer, *, skip_sid: str | None = None
) -> None:
    """Tell the console, the screen and the author's other tabs that an answer is gone."""
    console, screen = _rooms(workshop)
    socketio.emit("answer_removed", {**_removed(answer), "seq": workshop.seq}, to=console)
    if _on_screen(workshop, answer.question_id):
        socketio.emit("answer_removed", {**_removed(answer), "order": workshop.seq}, to=screen)
    live_updates.mark(workshop.id, COUNTS)
    socketio.emit(
        "my_answer_removed",
        _removed(answer),
        to=rooms.participant(answer.participant_id),
        skip_sid=skip_sid,
    )


def publish_presence(
    workshop: Workshop, person: Participant, answered: set[int] | None = None
) -> None:
    """Tell the console that someone joined, connected or left; the counts follow.

    `answered` holds the person's id if they answered the current question, when
    the caller already knows (a joining phone's snapshot carries its answers).
    """
    online = connections.online(workshop.id)
    if answered is None:
        answered = answered_current(workshop, person.id)
    socketio.emit(
        "participant",
        {"participant": participant_view(person, online, answered), "seq": workshop.seq},
        to=rooms.audience(workshop.id, Role.FACILITATOR),
    )
    live_updates.mark(workshop.id, COUNTS)


def publish_field(workshop: Workshop, field: CanvasField, *, phones: bool = True) -> None:
    """Send a changed canvas field to every audience that shows the canvas.

    A change of its pinned sources alone (`phones=False`) is not the phones' business.
    """
    # Numbered message: what is due goes first, so the projector sees no false gap.
    live_updates.send_due(workshop.id)
    spec = get_method(workshop.method_key).field(field.key)
    tally = canvas.tally(workshop.id, field.key)
    pinned = [a.id for a in canvas.pins(workshop.id).get(field.key, [])]
    themes = canvas.theme_pin_ids(workshop.id).get(field.key, [])
    console, screen = _rooms(workshop)
    seq, phone_seq = workshop.seq, workshop.phone_seq
    socketio.emit(
        "canvas_field",
        {"field": field_view(field, spec, tally, pinned, themes), "seq": seq},
        to=console,
    )
    shared = field_view(field, spec, tally)
    socketio.emit("canvas_field", {"field": shared, "seq": seq}, to=screen)
    if phones:
        socketio.emit(
            "canvas_field",
            {"field": shared, "seq": phone_seq},
            to=rooms.audience(workshop.id, Role.PHONE),
        )


def publish_share(workshop: Workshop) -> None:
    """Tell the console the share link changed; the projector's next counts cover the number."""
    console, _ = _rooms(workshop)
    socketio.emit("share", {"share_token": workshop.share_token, "seq": workshop.seq}, to=console)
    live_updates.mark(workshop.id, COUNTS)


def publish_wall(workshop: Workshop) -> None:
    """Tell the console and the projector how the answer wall stands now."""
    console, screen = _rooms(workshop)
    socketio.emit("wall", {"wall": wall_view(workshop), "seq": workshop.seq}, to=console)
    socketio.emit(
        "wall", {"wall": wall_view(workshop, screen=True), "seq": workshop.seq}, to=screen
    )
    # Shown as a cloud, or a word taken out of it: the cloud follows, coalesced.
    if _shows_cloud(workshop):
        live_updates.mark(workshop.id, CLOUD)
    live_updates.mark(workshop.id, THEMES)


def publish_themes(workshop: Workshop, scope: str) -> None:
    """Send a scope's themes to the console; the projector's view follows, coalesced."""
    console, _ = _rooms(workshop)
    socketio.emit("themes", {**scope_view(workshop.id, scope), "seq": workshop.seq}, to=console)
    # The projector shows accepted themes only, coalesced; its next counts cover the number.
    live_updates.mark(workshop.id, THEMES)
    live_updates.mark(workshop.id, COUNTS)


def publish_dots(placed: DotsPlaced, *, skip_sid: str | None = None) -> None:
    """Have the vote's results sent soon, coalesced; the voter's other tabs get its dots now."""
    live_updates.mark(placed.workshop_id, VOTES)
    dots = {str(item): count for item, count in placed.placed.items()}
    socketio.emit(
        "my_dots",
        {"vote_id": placed.vote_id, "dots": dots},
        to=rooms.participant(placed.participant_id),
        skip_sid=skip_sid,
    )


def publish_reactions(workshop_id: int, field: str) -> None:
    """Have a field's agree / concern tally sent to the console and the projector soon."""
    live_updates.mark(workshop_id, _REACTIONS + field)


def publish_merged(workshop: Workshop, answers: list[Answer]) -> None:
    """Send answers whose merge changed to the console, the only audience that groups them."""
    console, _ = _rooms(workshop)
    for answer in answers:
        socketio.emit("answer", {"answer": answer_view(answer), "seq": workshop.seq}, to=console)
    # The projector shows no merges, but its next counts cover the change number.
    live_updates.mark(workshop.id, COUNTS)


def send_live_updates(workshop_id: int, topics: frozenset[str]) -> None:
    """Send a workshop's due live numbers, read fresh, to its console and projector.

    The console follows every change one by one, so its counts carry no change
    number. The projector sees no unrevealed answers, so its counts carry the
    number and `covers`: everything up to it has been accounted for.
    """
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        return
    console, screen = _rooms(workshop)
    if COUNTS in topics:
        online = connections.online(workshop_id)
        socketio.emit("counts", counts(workshop, online), to=console)
        shown = counts(workshop, online, shown_only=True)
        socketio.emit("counts", {**shown, "seq": workshop.seq, "covers": True}, to=screen)
    if CLOUD in topics:
        cloud = cloud_view(workshop)
        if cloud is not None:
            socketio.emit("cloud", cloud, to=console)
            question = workshop.current_question
            if question is not None and question.revealed:  # the projector's, once revealed
                shown = {key: value for key, value in cloud.items() if key != "hidden"}
                socketio.emit("cloud", shown, to=screen)
    if VOTES in topics and (results := live_results(workshop)) is not None:
        socketio.emit("vote_results", results[0], to=console)
        socketio.emit("vote_results", results[1], to=screen)
    if THEMES in topics:
        themes = screen_themes(workshop)
        if themes is not None:  # shown as themes, and revealed
            socketio.emit("themes", themes, to=screen)
    for topic in sorted(topics):
        if topic.startswith(_REACTIONS):
            field = topic.removeprefix(_REACTIONS)
            payload = {"field": field, "reactions": canvas.tally(workshop_id, field)}
            socketio.emit("reactions", payload, to=console)
            socketio.emit("reactions", payload, to=screen)
