"""The questions people marked unhelpful as an evaluation file for an editor to fill in.

Each becomes an item of the eval format, ``{q, a: [], kind: feedback}`` (and ``after:``,
the earlier questions, for a follow-up asked in a conversation); the votes, the
comments and the excerpts that were shown follow it as YAML comments, which the eval
loader never sees. An editor puts the words that answer it in ``a:`` (or leaves
``a: []`` when the articles don't answer it), and real users' misses become evaluation
data for `storybot eval`.
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Sequence

import yaml

from retrieval.state.questions import Shown
from retrieval.state.reports import Unhelpful

KIND = "feedback"
_WIDTH = 88
_SOURCE_FIELDS = ("source", "title", "published", "url")


def feedback_file(items: Sequence[Unhelpful], period: str) -> str:
    """The YAML text: a header saying what to do, then one item per question."""
    header = [
        f"Questions people marked unhelpful (👎) in answers from {period}, most 👎 first.",
        "For each, put in `a:` the words of the articles that answer it (accepted answer",
        "substrings), or leave `a: []` when the articles don't answer it, and set `kind:`.",
        "Then measure answer quality on it with: storybot eval THIS-FILE.yaml",
    ]
    blocks = ["\n".join(f"# {line}" for line in header)]
    blocks += [_item(item) for item in items]
    return "\n\n".join(blocks) + "\n"


def _item(item: Unhelpful) -> str:
    fields: dict[str, object] = {"q": " ".join(item.question.split()), "a": [], "kind": KIND}
    if item.after:
        # Asked first, in one conversation, as the follow-up was.
        fields["after"] = [" ".join(q.split()) for q in item.after]
    entry = [fields]
    text = yaml.safe_dump(entry, allow_unicode=True, sort_keys=False, width=10_000)
    notes = [f"👎 {item.unhelpful}, 👍 {item.helpful}; last asked {item.last_asked}"]
    notes += [f'looking for: "{_one_line(comment)}"' for comment in item.comments]
    for number, shown in enumerate(item.shown, start=1):
        notes += _shown(number, shown)
    if not item.shown:
        notes.append("shown: nothing (the articles didn't answer)")
    return text.rstrip("\n") + "\n" + "\n".join(f"  # {note}".rstrip() for note in notes)


def _shown(number: int, shown: Shown) -> list[str]:
    lines = textwrap.wrap(
        f"shown {number}: {_one_line(shown.excerpt)}",
        _WIDTH,
        subsequent_indent="  ",
        break_on_hyphens=False,
    )
    for source in shown.sources:
        lines.append("  — " + source_line(source))
    return lines


def source_line(source: dict[str, str | None]) -> str:
    """Outlet, title, date and address where known, then the id; an article with
    neither title nor outlet is named by its label instead of its id, as answers show it."""
    known = [source.get(key) for key in _SOURCE_FIELDS]
    label = source.get("label")
    if label and not (source.get("title") or source.get("source")):
        values = [label, *known]
    else:
        values = [*known, source.get("id")]
    return " · ".join(_one_line(value) for value in values if value)


def _one_line(text: str) -> str:
    """Text a YAML comment can hold: one line, no control or invisible characters."""
    kept = (
        " " if unicodedata.category(c) == "Cc" or c in "\u2028\u2029\x85" else c
        for c in text
        if unicodedata.category(c) not in ("Cf", "Cs", "Co", "Cn")
    )
    return " ".join("".join(kept).split())
