"""Evaluation: hit@k, MRR and abstention over a YAML file of questions and answers."""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.answering.answer import Answer
from retrieval.errors import EvalError
from retrieval.text.analysis import normalize
from retrieval.text.cleaning import looks_like_markup
from retrieval.yamlfile import read_yaml


@dataclass(frozen=True)
class EvalQuestion:
    """A question, its acceptable answer substrings (none: out of scope) and its kind."""

    q: str
    a: tuple[str, ...]
    kind: str
    # Questions asked before ``q`` in the same conversation (a follow-up's context).
    after: tuple[str, ...] = ()

    @property
    def in_scope(self) -> bool:
        return bool(self.a)


@dataclass(frozen=True)
class Outcome:
    """How one question went: the rank of the first excerpt holding an answer."""

    question: EvalQuestion
    rank: int | None
    answer: Answer


@dataclass
class Report:
    """Aggregate figures of an evaluation run."""

    outcomes: list[Outcome] = field(default_factory=list)

    def _in_scope(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.question.in_scope]

    def hit_at(self, k: int, outcomes: Sequence[Outcome] | None = None) -> float:
        group = self._in_scope() if outcomes is None else list(outcomes)
        return _share(group, lambda o: o.rank is not None and o.rank <= k)

    def mrr(self, outcomes: Sequence[Outcome] | None = None) -> float:
        group = self._in_scope() if outcomes is None else list(outcomes)
        return sum(1 / o.rank for o in group if o.rank) / len(group) if group else 0.0

    def answered(self) -> float:
        return _share(self._in_scope(), lambda o: o.answer.found)

    def abstained(self) -> float:
        return _share(
            [o for o in self.outcomes if not o.question.in_scope], lambda o: not o.answer.found
        )

    def excerpt_lengths(self) -> list[int]:
        return [len(r.excerpt) for o in self.outcomes for r in o.answer.results]

    def with_markup(self) -> int:
        return sum(looks_like_markup(r.excerpt) for o in self.outcomes for r in o.answer.results)

    def misses(self) -> list[Outcome]:
        return [
            o for o in self.outcomes if (o.rank != 1 if o.question.in_scope else o.answer.found)
        ]

    def to_dict(self, top_k: int) -> dict[str, Any]:
        """The figures as `storybot eval --json` prints them (the same as ``lines``)."""
        inside = self._in_scope()
        lengths = self.excerpt_lengths()
        kinds: dict[str, dict[str, Any]] = {}
        for kind in sorted({o.question.kind for o in self.outcomes}):
            group = [o for o in self.outcomes if o.question.kind == kind]
            if group[0].question.in_scope:
                kinds[kind] = {
                    "n": len(group),
                    "hit@1": self.hit_at(1, group),
                    "hit@3": self.hit_at(3, group),
                    "mrr": self.mrr(group),
                }
            else:
                left = _share(group, lambda o: not o.answer.found)
                kinds[kind] = {"n": len(group), "left_unanswered": left}
        return {
            "questions": len(self.outcomes),
            "in_scope": len(inside),
            "out_of_scope": len(self.outcomes) - len(inside),
            "top_k": top_k,
            "hit@1": self.hit_at(1),
            "hit@3": self.hit_at(3),
            "mrr": self.mrr(),
            "in_scope_answered": self.answered(),
            "out_of_scope_left_unanswered": self.abstained(),
            "excerpts": {
                "count": len(lengths),
                "median_chars": statistics.median(lengths) if lengths else None,
                "max_chars": max(lengths, default=None),
                "with_markup": self.with_markup(),
            },
            "kinds": kinds,
        }

    def lines(self, top_k: int) -> list[str]:
        """The report as printed by `storybot eval`."""
        inside = self._in_scope()
        outside = len(self.outcomes) - len(inside)
        lengths = self.excerpt_lengths()
        out = [
            f"questions: {len(self.outcomes)} ({len(inside)} in scope, {outside} out of scope), "
            f"top-k {top_k}",
            f"hit@1: {self.hit_at(1):.3f}",
            f"hit@3: {self.hit_at(3):.3f}",
            f"MRR@{top_k}: {self.mrr():.3f}",
            f"in-scope answered: {self.answered():.3f}",
            f"out-of-scope left unanswered: {self.abstained():.3f}",
        ]
        if lengths:
            out.append(
                f"excerpts: {len(lengths)}, median {statistics.median(lengths):.0f} chars, "
                f"max {max(lengths)}, with markup {self.with_markup()}"
            )
        kinds = sorted({o.question.kind for o in self.outcomes})
        for kind in kinds:
            group = [o for o in self.outcomes if o.question.kind == kind]
            if group[0].question.in_scope:
                out.append(
                    f"  {kind:<5} n={len(group):<3} hit@1 {self.hit_at(1, group):.3f}  "
                    f"hit@3 {self.hit_at(3, group):.3f}  MRR {self.mrr(group):.3f}"
                )
            else:
                left = _share(group, lambda o: not o.answer.found)
                out.append(f"  {kind:<5} n={len(group):<3} left unanswered {left:.3f}")
        return out


def load_questions(path: Path) -> list[EvalQuestion]:
    """Read the eval YAML format: a list of {q, a, kind}."""
    data = read_yaml(path, EvalError)
    if not isinstance(data, list) or not data:
        raise EvalError(f"{path}: expected a list of questions")
    questions = []
    for n, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("q"), str):
            raise EvalError(f"{path}: question {n} needs a 'q' string")
        answers = item.get("a", [])
        if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
            raise EvalError(f"{path}: question {n}: 'a' must be a list of strings")
        kind = item.get("kind", "out" if not answers else "fact")
        after = item.get("after", [])
        if not isinstance(after, list) or not all(isinstance(a, str) and a.strip() for a in after):
            raise EvalError(f"{path}: question {n}: 'after' must be a list of questions")
        questions.append(EvalQuestion(item["q"], tuple(answers), str(kind), tuple(after)))
    return questions


def comparable(text: str) -> str:
    """Case, curly/straight quotes, dashes and runs of white space compared as equal."""
    return re.sub(r"\s+", " ", normalize(text)).strip()


def first_hit(answer: Answer, accepted: Sequence[str]) -> int | None:
    """The 1-based rank of the first excerpt that contains an accepted answer."""
    wanted = [comparable(a) for a in accepted]
    for rank, result in enumerate(answer.results, start=1):
        excerpt = comparable(result.excerpt)
        if any(w in excerpt for w in wanted):
            return rank
    return None


def evaluate(
    questions: Sequence[EvalQuestion],
    ask: Callable[[str], Answer],
    converse: Callable[[Sequence[str]], Answer] | None = None,
) -> Report:
    """Ask every question and record where its answer was found.

    A question with ``after`` goes to ``converse`` with its earlier questions before it,
    to be asked in order in one new conversation; without ``converse`` it is asked alone.
    """
    report = Report()
    for question in questions:
        if question.after and converse is not None:
            answer = converse((*question.after, question.q))
        else:
            answer = ask(question.q)
        rank = first_hit(answer, question.a) if question.in_scope else None
        report.outcomes.append(Outcome(question, rank, answer))
    return report


def _share(group: Sequence[Outcome], test: Callable[[Outcome], bool]) -> float:
    return sum(1 for o in group if test(o)) / len(group) if group else 0.0
