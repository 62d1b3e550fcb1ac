"""Excerpt windows: the best sentences, filled to the target, past it only for the question."""

from __future__ import annotations

import pytest

from retrieval.answering.excerpts import make_excerpt
from retrieval.answering.shown import ShownText
from retrieval.text.analysis import Analyzer
from retrieval.text.answer_types import asked
from retrieval.text.passages import Passage

ANALYZER = Analyzer()
FIRST = "The harbour board met on Monday to set the winter ferry schedule for the island."
SECOND = "Its chair said the ferry would stop there twice a day until the spring thaw."
OTHER = "Fishermen on the quay mended their nets and watched the gulls circle overhead."


def excerpt(paragraph: str, question: str, target: int, limit: int) -> str:
    weights = {t.term: 1.0 for t in ANALYZER.tokens(question)}
    passage = Passage("a1", 0, 0, len(paragraph))
    return make_excerpt(paragraph, passage, weights, ANALYZER, target, limit).text


def asked_excerpt(text: str, question: str, target: int, limit: int) -> str:
    """The excerpt of a whole text for a question, with the type of answer it asks for."""
    weights = {t.term: 1.0 for t in ANALYZER.tokens(question)}
    passage = Passage("a1", 0, 0, len(text))
    return make_excerpt(text, passage, weights, ANALYZER, target, limit, asked(question)).text


@pytest.mark.parametrize(
    ("paragraph", "holds", "leaves_out"),
    [
        # The next sentence holds "ferry": past the target, it is taken in.
        (f"{FIRST} {SECOND} {OTHER}", SECOND, OTHER),
        # The sentence before holds it: taken in from the front.
        (f"{OTHER} {SECOND} {FIRST}", SECOND, OTHER),
    ],
    ids=["after", "before"],
)
def test_past_the_target_only_sentences_with_the_questions_words(
    paragraph: str, holds: str, leaves_out: str
) -> None:
    text = excerpt(paragraph, "winter ferry schedule", 100, 170)
    assert FIRST in text and holds in text and leaves_out not in text
    assert len(text) <= 170


def test_a_neighbour_without_the_questions_words_waits_for_room_under_the_target() -> None:
    text = excerpt(f"{FIRST} {OTHER} {SECOND}", "winter schedule", 100, 170)
    assert text == f"{FIRST}…"


# One sentence longer than any excerpt: the date it gives stands at its start, the
# question's words in its middle.
LONG = (
    "In March 1896, after hearing news of the new rays from abroad, the inventor began "
    "experiments with imaging bones, building a tube of his own design that had no target "
    "electrode and that ran from the output of his coil, which he had improved over the "
    "winter in a workshop on the fifth floor of a building in the south of the city."
)


@pytest.mark.parametrize(
    ("question", "holds", "leaves_out"),
    [
        # Asked when, the window moves to take in the date with the question's words.
        ("When did the inventor begin experiments with imaging bones?", "March 1896", "city"),
        # Asked for no date, it stays centred on the question's words.
        ("Did the inventor begin experiments with imaging bones?", "inventor", "March 1896"),
    ],
)
def test_a_cut_sentence_keeps_the_answer_of_the_asked_type(
    question: str, holds: str, leaves_out: str
) -> None:
    text = asked_excerpt(LONG, question, 120, 160)
    assert holds in text and leaves_out not in text
    assert len(text) <= 160 and text.strip("…") in LONG


# One sentence longer than any excerpt, the question's words spread over most of
# the target, the answer right after them.
FACULTY = (
    "Founded by a railway baron, the college grew quickly, and among the members of its "
    "faculty today are two economists, a former treasury secretary, and the Shakespeare "
    "scholar David Bevington, who has edited the complete works for more than forty years "
    "and who still teaches a seminar on the history plays every spring."
)


def test_a_cut_sentence_holding_the_questions_words_runs_past_the_target_to_the_limit() -> None:
    question = "What Shakespeare scholar is on the faculty today?"
    text = asked_excerpt(FACULTY, question, 120, 160)
    assert "faculty today" in text and "Shakespeare scholar David Bevington" in text
    assert 120 < len(text) <= 160 and text.strip("…") in FACULTY


# One sentence longer than any excerpt: its subject first, the question's words after it,
# and some of them said again at its end.
TRUST = (
    "The Harbour Trust is the largest owner of ferry piers in terms of berths, holding twelve "
    "piers along the northern shore and the southern bay, and through its leases of the old "
    "quays it is the only owner of ferry piers for most of the islands beyond the point."
)


def test_a_cut_sentence_centres_on_the_questions_words_where_they_first_stand() -> None:
    question = "What is the largest owner of ferry piers in terms of berths?"
    text = asked_excerpt(TRUST, question, 100, 120)
    assert text.startswith("The Harbour Trust is the largest owner of ferry piers")
    assert len(text) <= 120


# One sentence longer than any excerpt: a question's word at its start, out of reach of
# the others, which stand near its end with the answer right after them.
ALUMNI = (
    "Notable alumni in public life include the founder of the harbour trust Ada Quill, "
    "the ferry board's first chair Tom Reed, two mayors of the port, a lighthouse "
    "inspector, the author of the river survey, and the governor of the island bank "
    "Mara Bell, who later chaired the pier commission for a decade."
)


def test_a_cut_sentence_centres_on_the_questions_words_it_holds() -> None:
    question = "Which alumni is the governor of the island bank?"
    text = asked_excerpt(ALUMNI, question, 100, 120)
    assert "governor of the island bank Mara Bell" in text
    assert len(text) <= 120 and text.strip("…") in ALUMNI


FERRY = (
    "The ferry left the harbour at dawn with forty passengers on board. "
    "Gulls followed it out past the breakwater and the old lighthouse. "
    "The sea was calm and the sky was clear all the way across the bay. "
    "The captain said the ferry crossing to the island took ninety minutes that day."
)


@pytest.mark.parametrize(
    ("anywhere", "holds"),
    [
        # The best sentences of the paragraph, wherever they are.
        (True, "ninety minutes"),
        # The paragraph already quoted from: some of the passage itself.
        (False, "forty passengers"),
    ],
)
def test_an_excerpt_is_the_best_of_its_paragraph_unless_quoted(anywhere: bool, holds: str) -> None:
    question = "How long did the ferry crossing to the island take?"
    weights = {t.term: 1.0 for t in ANALYZER.tokens(question)}
    # The passage is the paragraph's first sentence.
    passage = Passage("a1", 0, 0, FERRY.index(" Gulls"))
    found = make_excerpt(
        FERRY, passage, weights, ANALYZER, 100, 120, asked(question), None, anywhere
    )
    text = found.text
    assert holds in text and len(text) <= 120


def test_the_questions_words_together_in_one_sentence_beat_a_run_that_scatters_them() -> None:
    scattered = "The council said the Jubilee work was urgent. A vote on its closure is due in May."
    filler = " ".join(f"Crews painted section {n} of the railings green." for n in range(4))
    together = "The closure of the Jubilee bridge was approved after a long debate."
    paragraph = f"{scattered} {filler} {together}"
    # The scattered run holds more of the question's weight (5 against 4.5), but in
    # two halves; the last sentence holds most of it in one.
    weights = {"council": 1.0, "vote": 1.0, "jubile": 1.5, "bridg": 1.5, "closur": 1.5}
    passage = Passage("a1", 0, 0, len(paragraph))
    # Too short for two sentences apart.
    shown = make_excerpt(paragraph, passage, weights, ANALYZER, 80, 100).text
    assert together in shown
    assert "council" not in shown


def test_two_sentences_apart_are_shown_with_an_ellipsis_for_what_lies_between() -> None:
    subject = "Right-leaning Coun. Giorgio Mammoliti stopped short of backing the mayor."
    between = "Critics at city hall spent the morning trading statements with his office."
    answer = "We have a very capable deputy mayor to carry the agenda forward."
    paragraph = f"{subject} {between} {answer} The session closed at noon."
    weights = {"mamol": 3.0, "deputi": 3.0, "mayor": 0.5, "think": 2.0}
    passage = Passage("a1", 0, 0, len(paragraph))
    shown = make_excerpt(paragraph, passage, weights, ANALYZER, 120, 160).text
    assert shown == f"{subject} … {answer}…"
    assert len(shown) <= 160
    # With room for the run, the run is shown whole.
    whole = make_excerpt(paragraph, passage, weights, ANALYZER, 240, 240).text
    assert whole == f"{subject} {between} {answer}…"


NEWS = (
    "Washington state's leader spoke out after a ballot box was set on fire.\n\n"
    "Investigators said the device was left at a transit center in Vancouver.\n\n"
    "Voters there were told to check that their ballots had been counted.\n\n"
    "The state's other counties reported no damage."
)


def test_a_short_paragraphs_window_runs_on_into_the_next_ones() -> None:
    weights = {t.term: 1.0 for t in ANALYZER.tokens("ballot box fire")}
    end = NEWS.index("\n\n")
    shown = make_excerpt(NEWS, Passage("a1", 0, 0, end), weights, ANALYZER, 150, 230).text
    # Up to the target, the next paragraph; past it, only one with the question's words.
    assert shown == NEWS[: NEWS.index("\n\nThe state's")].replace("\n\n", "\n")


def test_the_window_does_not_run_into_a_sentence_another_excerpt_shows() -> None:
    weights = {t.term: 1.0 for t in ANALYZER.tokens("ballot box fire")}
    end = NEWS.index("\n\n")
    other = "Investigators said the device was left at a transit center in Vancouver."
    shown = make_excerpt(
        NEWS, Passage("a1", 0, 0, end), weights, ANALYZER, 150, 200, beside=ShownText([other])
    ).text
    assert shown == NEWS[:end]


# A sentence opening with a pronoun names what it is about in the sentence before it.
HIRED = "The project coordinator is hired by the client."
ROLE = "{} role is to design the works and to manage the contract."
STAFF = "Other staff on the site answer to the architect."


@pytest.mark.parametrize(
    ("opening", "takes_in", "leaves_out"),
    [
        # "His role": the sentence before, which names whose, comes first.
        ("His", HIRED, STAFF),
        # "The coordinator's role" names it: the sentence after comes first, as always.
        ("The coordinator's", STAFF, HIRED),
        # An opening phrase before the pronoun leaves it pointing back.
        ("So, his", HIRED, STAFF),
        ("So, the coordinator's", STAFF, HIRED),
    ],
)
def test_a_sentence_that_points_back_takes_in_the_one_before_it_first(
    opening: str, takes_in: str, leaves_out: str
) -> None:
    role = ROLE.format(opening)
    paragraph = f"{HIRED} {role} {STAFF}"
    weights = {t.term: 1.0 for t in ANALYZER.tokens("Whose role is to design the works?")}
    passage = Passage("a1", 0, 0, len(paragraph))
    text = make_excerpt(paragraph, passage, weights, ANALYZER, 130, 130).text
    assert role in text and takes_in in text and leaves_out not in text


# The sentence a pronoun points back to, too long to take in whole.
CREDIT = (
    "To make up for wages that stood still for a decade, the harbour board was pressed by "
    "the ferry workers' union and the shipping lines alike to extend easier credit to the "
    "small boatyards."
)
BUBBLE = "This has given the harbour a tendency to go from boom to bust."


def test_a_sentence_that_points_back_takes_in_the_end_of_a_long_one_before_it() -> None:
    paragraph = f"{CREDIT} {BUBBLE}"
    question = "What has given the harbour a tendency to go from boom to bust?"
    weights = {t.term: 1.0 for t in ANALYZER.tokens(question)}
    passage = Passage("a1", 0, paragraph.index(BUBBLE), len(paragraph))
    text = make_excerpt(paragraph, passage, weights, ANALYZER, 130, 200).text
    assert text.startswith("…") and text.endswith(BUBBLE)
    assert "easier credit to the small boatyards." in text and len(text) <= 130


def middle_paragraph_excerpt(before: str, said: str, question: str) -> str:
    """The excerpt of a one-sentence paragraph (``said``) between two others, for a question."""
    news = f"{before}\n\n{said}\n\nThe quay was painted blue last year."
    weights = {t.term: 1.0 for t in ANALYZER.tokens(question)}
    start = news.index(said)
    passage = Passage("a1", 0, start, start + len(said))
    return make_excerpt(news, passage, weights, ANALYZER, 130, 130, asked(question)).text


@pytest.mark.parametrize(
    ("opening", "takes_in", "leaves_out"),
    [
        ("She", "The harbour master", "The quay was"),
        ("The harbour master", "The quay was", "closed the old pier"),
    ],
)
def test_a_short_paragraph_that_points_back_runs_on_into_the_one_before_it_first(
    opening: str, takes_in: str, leaves_out: str
) -> None:
    said = f"{opening} said the ferry would dock at the fishing quay until spring."
    before = "The harbour master closed the old pier on Monday."
    text = middle_paragraph_excerpt(before, said, "Where will the ferry dock until spring?")
    assert said in text and takes_in in text and leaves_out not in text


# The answer's sentence names its subject only as "It", in the sentence before it; a
# date further on stands beside the subject's name.
KELVALE = (
    "Ships from many ports call at the harbour towns of the coast. "
    "Among the towns that line the coast is the port of Kelvale. "
    "It has been a trading settlement since the 14th century and once rivalled the capital. "
    "Kelvale has long welcomed foreign traders. "
    "In 1414 a fleet from the east visited the coast. "
    "Kelvale welcomed an envoy in 1498."
)


def test_an_answer_in_a_sentence_that_points_back_counts_with_the_sentence_before() -> None:
    question = "When was the port of Kelvale established?"
    text = asked_excerpt(KELVALE, question, 150, 160)
    assert "port of Kelvale. It has been a trading settlement since the 14th century" in text
    assert "1498" not in text


# A sentence may name the asked-for thing only by the noun the question asks a name for
# ("The company" for "which company"): its name is in the sentence before.
SHIELD = (
    "Ships and barges crowd the river port every morning. "
    "Harlow has long tried to shield Northgate Freight Lines from its creditors. "
    "{} which owns the river ferries, filed for bankruptcy protection last week. "
    "Dock workers have separately sued Harlow over unpaid wages in May."
)
FERRY_COMPANY = "Which company that owns the ferries filed for bankruptcy?"


@pytest.mark.parametrize(
    ("opening", "named"),
    [
        ("The company,", True),
        ("It,", True),
        # "The firm" is not the noun asked for: the window fills as usual, after first.
        ("The firm,", False),
    ],
)
def test_a_sentence_naming_the_asked_noun_takes_in_the_name_before_it(
    opening: str, named: bool
) -> None:
    text = asked_excerpt(SHIELD.format(opening), FERRY_COMPANY, 170, 180)
    assert "filed for bankruptcy" in text
    assert ("Northgate Freight Lines" in text) is named
    assert ("Dock workers" in text) is not named


@pytest.mark.parametrize(("opening", "named"), [("The company", True), ("The firm", False)])
def test_a_short_paragraph_naming_the_asked_noun_runs_on_into_the_one_before_it(
    opening: str, named: bool
) -> None:
    said = f"{opening} will run the ferry to the fishing quay until spring."
    before = "Northgate Freight Lines won the harbour contract on Monday."
    text = middle_paragraph_excerpt(before, said, "Which company will run the ferry until spring?")
    assert said in text
    assert ("Northgate Freight Lines" in text) is named
