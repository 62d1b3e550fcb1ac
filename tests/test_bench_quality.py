"""A CI-sized run of bench/quality.py, so the quality benchmark can't rot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from retrieval.settings import PROJECT_ROOT

QUALITY = PROJECT_ROOT / "bench" / "quality.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(QUALITY), *args], capture_output=True, text=True, timeout=300
    )


def test_smoke_run_prints_and_writes_the_figures(tmp_path: Path) -> None:
    out = tmp_path / "quality.json"
    done = run("--smoke", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "hit@1: 1.000" in done.stdout
    smoke = json.loads(out.read_text())["smoke"]
    assert smoke["questions"] == 4
    assert smoke["out_of_scope_left_unanswered"] == 1.0


def test_a_squad_shaped_file_and_a_story_folder(tmp_path: Path) -> None:
    squad = {
        "data": [
            {
                "title": "Harbour_Bridge",
                "paragraphs": [
                    {
                        "context": "The Harbour Bridge opened in 1932 and carries eight lanes.",
                        "qas": [
                            {
                                "question": "When did the Harbour Bridge open?",
                                "answers": [{"text": "1932"}, {"text": "1932"}],
                            }
                        ],
                    }
                ],
            }
        ]
    }
    (tmp_path / "squad.json").write_text(json.dumps(squad))
    story = tmp_path / "story"
    story.mkdir()
    article = {"title": "Ferry fares", "text": "Councillor Amir Osei proposed cheaper fares."}
    (story / "articles.jsonl").write_text(json.dumps(article) + "\n")
    (story / "questions.yaml").write_text(
        '- q: "Who proposed cheaper fares?"\n  a: ["Amir Osei"]\n  kind: fact\n'
    )
    out = tmp_path / "quality.json"
    done = run("--squad", str(tmp_path / "squad.json"), "--story", str(story), "--out", str(out))
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text())
    assert figures["squad"]["questions"] == 1
    assert figures["squad"]["hit1"] == 1.0
    assert figures["story:story"]["hit@1"] == 1.0


def test_nothing_to_measure_is_a_usage_error() -> None:
    done = run()
    assert done.returncode == 2
    assert "nothing to measure" in done.stderr


def test_a_news_question_over_the_length_cap_counts_as_refused(tmp_path: Path) -> None:
    news = tmp_path / "news.jsonl"
    article = {"id": "n1", "title": "Bridge", "text": "The Harbour Bridge opened in 1932."}
    news.write_text(json.dumps(article) + "\n", encoding="utf-8")
    questions = tmp_path / "questions.jsonl"
    rows = [
        {"question": "When did the Harbour Bridge open?", "answer": "1932"},
        {"question": "When did the Harbour Bridge open? " * 20, "answer": "1932"},
    ]
    questions.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    args = ["--news", str(news), "--news-questions", str(questions)]
    done = run(*args, "--news-workdir", str(tmp_path / "work"))
    assert done.returncode == 0, done.stderr
    assert "news quiz: 2 questions" in done.stdout
    assert "answer-hit@1 0.500" in done.stdout and "abstained 0.500" in done.stdout
