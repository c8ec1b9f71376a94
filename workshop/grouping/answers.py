"""Answers read from a file's text: one a line, or JSON lines with a `text` field."""

from __future__ import annotations

import json


class BadAnswers(ValueError):
    """The text is neither one answer a line nor JSON lines with a text each."""


def parse_answers(content: str) -> list[tuple[int, str]]:
    """Return (line index from 0, answer) for each non-blank line.

    When the first non-blank line starts with "{", the file is JSON lines: every non-blank
    line must be an object with a string `text`. Otherwise each line is an answer as it is.
    """
    lines = content.splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    if not first.startswith("{"):
        return [(index, line.strip()) for index, line in enumerate(lines) if line.strip()]
    answers = []
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise BadAnswers(f"Line {index + 1} is not valid JSON ({error.msg}).") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise BadAnswers(f'Line {index + 1} has no "text" string.')
        answers.append((index, record["text"]))
    return answers
