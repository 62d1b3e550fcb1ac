"""A conversation: the last few questions and answers, and follow-ups read against them."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Protocol

from retrieval.answering.answer import Answer, Result
from retrieval.answering.conversation.people import who
from retrieval.answering.conversation.resolve import Reading, Turn, resolve
from retrieval.answering.conversation.words import names
from retrieval.answering.query import check_question
from retrieval.answering.render import ELLIPSIS, clip
from retrieval.answering.search import SearchOptions
from retrieval.index.corpus_index import CorpusIndex
from retrieval.text.cleaning import plain_text
from retrieval.text.filters import Filters

# Turns kept: a follow-up leans on the last one, a pronoun at most a few back.
MAX_TURNS = 4
# Names of the best excerpt looked up as people (each costs a look at its passages).
ANSWER_NAMES = 3


class Asker(Protocol):
    """What a conversation asks through: the Retriever."""

    options: SearchOptions

    def ask(
        self,
        question: str,
        top_k: int | None = None,
        context: str = "",
        filters: Filters | None = None,
        shown: Sequence[str] = (),
    ) -> Answer: ...

    @property
    def index(self) -> CorpusIndex: ...


class Conversation:
    """Questions asked one after another, each follow-up read against the ones before.

    Only the last ``turns`` questions are kept, in memory: nothing is stored.
    """

    def __init__(self, asker: Asker, turns: int = MAX_TURNS) -> None:
        self.asker = asker
        self._turns: deque[Turn] = deque(maxlen=max(turns, 1))
        self._genders: dict[str, str | None] = {}
        self._last: tuple[str, Reading, Filters | None] | None = None

    @property
    def turns(self) -> tuple[Turn, ...]:
        return tuple(self._turns)

    def reset(self) -> None:
        """Start over: the next question is read as it stands."""
        self._turns.clear()
        self._last = None

    def ask(
        self, question: str, top_k: int | None = None, filters: Filters | None = None
    ) -> Answer:
        """Answer a question as part of the conversation (from the articles ``filters``
        match, when given).

        ``Answer.understood`` holds the question as it was read when that differs from
        what was asked. A question over the length cap raises QuestionTooLong.
        """
        # Read as its text: markup pasted with it is no word to resolve or remember.
        question = plain_text(question.strip())
        check_question(question, self.asker.options.max_question_chars)
        reading = resolve(question, self.turns, self.who)
        answer = self._answered(question, reading, top_k or self.asker.options.top_k, filters)
        self._turns.append(self._turn(question, reading, answer))
        self._last = (question, reading, filters)
        return answer

    def more(self, top_k: int) -> Answer:
        """The last question's answer again with up to ``top_k`` excerpts, for paging through
        more of them; no new turn."""
        if self._last is None:
            return Answer("")
        question, reading, filters = self._last
        return self._answered(question, reading, top_k, filters)

    def _answered(
        self, question: str, reading: Reading, top_k: int, filters: Filters | None
    ) -> Answer:
        understood = reading.text if reading.rewritten else None
        answer = self._answer(reading, top_k, filters)
        return replace(answer, query=question, understood=understood)

    def _answer(self, reading: Reading, top_k: int, filters: Filters | None) -> Answer:
        """The reading's own question decides whether to answer; its context helps rank."""
        if not reading.rewritten:
            return self.asker.ask(reading.text, top_k=top_k, filters=filters)
        text = reading.text
        limit = self.asker.options.max_question_chars
        if len(text) > limit:  # names put in for pronouns can make it longer
            text = clip(text, limit).removesuffix(ELLIPSIS)
        shown = reading.exclude
        answer = self.asker.ask(text, top_k, filters=filters, shown=shown)
        if reading.context and answer.found:
            # The follow-up's own words decide whether the articles answer it at all.
            answer = self.asker.ask(text, top_k, reading.context, filters, shown)
        return answer

    def _turn(self, asked: str, reading: Reading, answer: Answer) -> Turn:
        people = _unique(n.name for n in names(reading.text))
        return Turn(
            asked=asked,
            understood=reading.text,
            context=reading.context,
            people=people,
            answer_people=self._answer_people(answer.results),
            shown=tuple(r.excerpt for r in answer.results),
            excluded=reading.exclude,
        )

    def _answer_people(self, results: Iterable[Result]) -> tuple[str, ...]:
        """The people the best excerpt is about: its speaker, then those it names whom the
        articles speak of as a person (a capitalised word may name a party or a place)."""
        for result in results:
            # A speaker named outside the excerpt is shown with the words that name them.
            spoke = result.speaker if result.speaker and result.speaker in result.excerpt else None
            found = [spoke] if spoke else []
            found.extend(n.name for n in names(result.excerpt)[:ANSWER_NAMES])
            found = [name for name in _unique(found) if self.who(name)]
            return _unique(found)
        return ()

    def who(self, name: str) -> str | None:
        """ "male", "female" or "person" as the articles speak of ``name``; None: no person."""
        if name not in self._genders:
            self._genders[name] = who(self.asker.index, name)
        return self._genders[name]


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    """Items in order, each once; a surname alone goes when the full name is there."""
    kept = list(dict.fromkeys(items))
    full = [k for k in kept if " " in k]
    return tuple(k for k in kept if " " in k or not any(f.endswith(f" {k}") for f in full))
