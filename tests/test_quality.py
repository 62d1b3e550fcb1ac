"""Answer quality on the project's own question file: a floor that catches regressions."""

from __future__ import annotations

from retrieval.answering.evaluation import evaluate, load_questions
from retrieval.retriever import Retriever
from tests.conftest import DEV_QUESTIONS


def test_quality_floor_on_held_out_questions(seed_retriever: Retriever) -> None:
    report = evaluate(load_questions(DEV_QUESTIONS), lambda q: seed_retriever.ask(q, top_k=10))
    facts = [o for o in report.outcomes if o.question.kind == "fact"]
    assert report.hit_at(3, facts) >= 0.85
    assert report.hit_at(3) >= 0.65
    assert report.answered() >= 0.9
    off_topic = [o for o in report.outcomes if o.question.kind == "out"]
    assert off_topic and not any(o.answer.found for o in off_topic)
    assert report.with_markup() == 0
    assert max(report.excerpt_lengths()) <= 400


def test_abstention_floor_on_junk_and_off_topic_questions(seed_retriever: Retriever) -> None:
    questions = load_questions(DEV_QUESTIONS.with_name("abstain.yaml"))
    report = evaluate(questions, lambda q: seed_retriever.ask(q, top_k=10))
    for kind, floor in (("junk", 40), ("out", 47)):
        left = [o for o in report.outcomes if o.question.kind == kind and not o.answer.found]
        assert len(left) >= floor, kind
