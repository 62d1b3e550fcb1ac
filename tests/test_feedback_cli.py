"""`storybot feedback export` and `storybot stats` over a state database the bot wrote."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from retrieval import Feedback, QuestionLog, Shown, StateDatabase, load_questions
from retrieval.cli import main

KELLY = Shown(
    "Deputy Mayor Norm Kelly said he asked the mayor to take a pause.\nHe refused.",
    ({"id": "city.txt", "title": "Mayor refuses", "source": "Example Times", "url": None},),
)
GUILD = 9001


def state_of(config: Path) -> Feedback:
    """The state database the config names (beside its index folder)."""
    return Feedback(QuestionLog(StateDatabase.open(config.parent / "state.sqlite3")))


def run(argv: list[str], config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([*argv, "--config", str(config)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def voted(config_file: Path) -> Feedback:
    """Answers with votes: two 👎 on one question asked twice in other words, with comments."""
    feedback = state_of(config_file)
    record = feedback.questions.record
    first = record("Who is the deputy mayor?", (KELLY,), GUILD, 1)
    again = record("who is the deputy  mayor", (KELLY,), GUILD, 1)
    feedback.vote(first, 1, helpful=False)
    feedback.comment(first, 1, 'his "full" name: and the # of years\nin office')
    feedback.vote(again, 2, helpful=False)
    feedback.vote(again, 3, helpful=True)
    fine = record("What did protesters chant?", (KELLY,), GUILD, 1)
    feedback.vote(fine, 1, helpful=True)  # only 👍: not exported
    unanswered = record("What is the capital of France?", (), GUILD, 1)
    feedback.vote(unanswered, 4, helpful=False)
    return feedback


def test_the_export_round_trips_through_eval(
    config_file: Path, voted: Feedback, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "misses.yaml"
    code, out, err = run(["feedback", "export", str(target)], config_file, capsys)
    assert (code, err) == (0, "")
    assert out == f"{target}: 2 questions marked unhelpful, to fill in (a: [])\n"
    text = target.read_text(encoding="utf-8")
    # The comments carry the votes, what the voter wanted and what was shown, with sources.
    assert "# 👎 2, 👍 1" in text
    assert '# looking for: "his "full" name: and the # of years in office"' in text
    assert "# shown 1: Deputy Mayor Norm Kelly said he asked the mayor to take a pause. He" in text
    assert "#   — Example Times · Mayor refuses · city.txt" in text
    assert "# shown: nothing (the articles didn't answer)" in text
    questions = load_questions(target)
    assert [(q.q, q.a, q.kind) for q in questions] == [
        # The one with most 👎 first, as it was last asked.
        ("who is the deputy mayor", (), "feedback"),
        ("What is the capital of France?", (), "feedback"),
    ]
    # An editor fills in the first; `storybot eval` measures it.
    target.write_text(text.replace("\n  a: []\n", "\n  a: [Norm Kelly]\n", 1), encoding="utf-8")
    code, out, err = run(["eval", str(target), "--json"], config_file, capsys)
    assert code == 0, err
    figures = json.loads(out)
    assert (figures["in_scope"], figures["out_of_scope"]) == (1, 1)
    assert figures["hit@3"] == 1.0 and figures["kinds"]["feedback"]["n"] == 2


def test_the_export_refuses_to_overwrite_without_force(
    config_file: Path, voted: Feedback, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "misses.yaml"
    target.write_text("- q: kept\n", encoding="utf-8")
    code, out, err = run(["feedback", "export", str(target)], config_file, capsys)
    assert (code, out) == (1, "")
    assert err == f"storybot: error: {target} exists: give --force to overwrite it\n"
    assert target.read_text(encoding="utf-8") == "- q: kept\n"
    code, _, _ = run(["feedback", "export", str(target), "--force"], config_file, capsys)
    assert code == 0 and len(load_questions(target)) == 2


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        ("none", "no state database (the bot creates it when it runs)"),
        ("empty", "no question was marked unhelpful from "),
    ],
)
def test_nothing_to_export_is_an_error_and_writes_nothing(
    config_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    prepare: str,
    message: str,
) -> None:
    if prepare == "empty":
        feedback = state_of(config_file)
        feedback.vote(feedback.questions.record("Liked?", (KELLY,)), 1, helpful=True)
    target = tmp_path / "misses.yaml"
    code, out, err = run(["feedback", "export", str(target)], config_file, capsys)
    assert (code, out) == (1, "") and message in err and err.count("\n") == 1
    assert not target.exists()


def test_stats_print_the_figures_and_the_top_unanswered(
    config_file: Path, voted: Feedback, capsys: pytest.CaptureFixture[str]
) -> None:
    voted.questions.record("What is the capital of France", (), GUILD, 2)
    voted.questions.record("Who won the game?", (), 5, 2)  # another server
    code, out, err = run(["stats", "--days", "7"], config_file, capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("Questions from ") and lines[0].endswith("(7 days), all servers:")
    assert lines[1:5] == [
        "asked: 6",
        "answered: 3 (50%)",
        "feedback: 2 helpful, 3 unhelpful",
        "most frequent unanswered questions:",
    ]
    assert lines[5:] == ["     2  what is the capital of france", "     1  who won the game"]
    code, out, _ = run(["stats", "--json", "--guild", str(GUILD)], config_file, capsys)
    figures = json.loads(out)
    assert (figures["days"], figures["guild"], figures["asked"], figures["answered"]) == (
        30,
        GUILD,
        5,
        3,
    )
    assert figures["answered_share"] == pytest.approx(0.6)
    assert figures["top_unanswered"] == [{"question": "what is the capital of france", "count": 2}]


@pytest.mark.parametrize("days", ["0", "-3", "week"])
def test_stats_refuse_a_bad_period(
    config_file: Path, capsys: pytest.CaptureFixture[str], days: str
) -> None:
    with pytest.raises(SystemExit) as usage:
        main(["stats", "--days", days, "--config", str(config_file)])
    assert usage.value.code == 2
    assert "--days" in capsys.readouterr().err


def test_the_export_since_leaves_out_older_answers(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(timezone.utc)
    moment = [now - timedelta(days=10)]
    database = StateDatabase.open(config_file.parent / "state.sqlite3")
    feedback = Feedback(QuestionLog(database, clock=lambda: moment[0]))
    feedback.vote(feedback.questions.record("An old miss?", (KELLY,)), 1, helpful=False)
    moment[0] = now - timedelta(days=1)
    feedback.vote(feedback.questions.record("A new miss?", (KELLY,)), 1, helpful=False)
    target = tmp_path / "recent.yaml"
    code, _, err = run(["feedback", "export", str(target), "--since", "3d"], config_file, capsys)
    assert code == 0, err
    assert [q.q for q in load_questions(target)] == ["A new miss?"]
    bad = ["feedback", "export", str(target), "--since", "yesterweek", "--force"]
    code, _, err = run(bad, config_file, capsys)
    assert code == 1 and "since 'yesterweek': give a date as YYYY-MM-DD" in err


def test_a_file_that_cannot_be_replaced_is_one_line_and_leaves_no_temporary(
    config_file: Path, voted: Feedback, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out"
    target.mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run(["feedback", "export", str(target), "--force"], config_file, capsys)
    assert (code, out) == (1, "")
    assert err.startswith(f"storybot: error: {target}: cannot write it: ") and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("log_questions", [True, False])
def test_a_follow_ups_earlier_questions_are_exported_as_after(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], log_questions: bool
) -> None:
    database = StateDatabase.open(config_file.parent / "state.sqlite3")
    feedback = Feedback(QuestionLog(database, log_questions=log_questions))
    record = feedback.questions.record
    earlier = ("Who is the deputy mayor?",)
    feedback.vote(record("What did he ask the mayor?", (KELLY,), after=earlier), 1, False)
    # The same words after another question are another question.
    feedback.vote(record("What did he ask the mayor?", (KELLY,), after=("Who is Ford?",)), 1, False)
    feedback.vote(record("What did he ask the mayor?", (KELLY,), after=earlier), 2, False)
    target = tmp_path / "follow-ups.yaml"
    code, _, err = run(["feedback", "export", str(target)], config_file, capsys)
    assert code == 0, err
    assert "  after:\n  - Who is the deputy mayor?\n" in target.read_text(encoding="utf-8")
    questions = load_questions(target)
    assert [(q.q, q.after) for q in questions] == [
        ("What did he ask the mayor?", earlier),
        ("What did he ask the mayor?", ("Who is Ford?",)),
    ]
    code, out, err = run(["eval", str(target), "--json"], config_file, capsys)
    assert code == 0, err
    assert json.loads(out)["questions"] == 2
