"""Chat: a message that talks to the bot, or asks it to do something, is no question.

News articles report on others. A message about its asker or the bot ("how do I
reset my password", "what is your favorite color", "how are you", "do you like
music"), or one that asks the bot to make or do something ("write a haiku",
"translate hello", "set an alarm", "recommend a good book"), asks for what no
article holds, whatever words it shares with them. Each rule reads grammar, not
a topic: who the subject is, and what an imperative asks for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.text.analysis import WORD, fold

# Verbs that, followed by "me" or "us", ask the bot for something ("give me a
# recipe", "show me ..."): the request, not its subject.
REQUEST_VERBS = frozenset("give show tell help teach send find get recommend remind".split())
REQUEST_OBJECTS = frozenset(("me", "us"))
# "Me" after these is the one a request is for ("summarize it for me"), as after
# a request verb.
_FOR_ME = frozenset(("for", "to"))
# "I" after an auxiliary ("how do I", "should I"), "my", "me", "myself" outside
# a request ("give me", "tell me"), or "your" asks for advice or about the
# asker's or the bot's own life ("my password", "your favorite color").
# ("You" alone is often anyone: "how can you see it from the shore?")
_ASKING_AUXILIARIES = frozenset(
    "do does should can could would will shall may might must am".split()
)
_THE_ASKER = frozenset(("my", "me", "myself", "your", "yours", "yourself"))
# "You" as the subject of an asked "be" ("how are you", "are you a robot") is
# the bot; so is "you" liking or feeling something after an auxiliary ("do you
# like music", "would you prefer …"). "Do you know who …" asks about others, as
# does a question or a "to" that follows ("are you able to find …", "would you
# like to know who …"): it is a request.
_YOU = frozenset(("you", "u"))
_BE = frozenset("are were aren't weren't".split())
_YOU_AUXILIARIES = frozenset("do did does would".split())
_LIKING = frozenset("like love enjoy prefer hate feel miss want".split())
_EMBEDDING = frozenset("to who whom whose what which when where why how whether if".split())
# Imperatives that ask the bot to make or do something, not to find what was
# reported: to write, compute or translate, to set, order or play, to recommend.
_MAKING = frozenset(
    """
    write compose draw sing play generate create translate convert calculate compute
    solve set remind order recommend suggest
    """.split()
)
# What may open a request before its verb ("please", "can you", "hey").
_REQUEST_OPENING = frozenset("please can could would will you hey hi ok okay so".split())
_QUOTED = re.compile(r"\"[^\"]*\"|(?<!\w)'[^']*'(?!\w)")


def is_chat(text: str) -> bool:
    """Whether a message is about its asker or the bot, or asks the bot to make something.

    Quoted words and titles ("All My Children", "Do You Love Me") are someone
    else's, as are numerals ("Philip I").
    """
    words = _own_words(text)
    return about_the_asker(words) or addressed_to_the_bot(words) or asks_to_make(words)


def about_the_asker(words: Sequence[str]) -> bool:
    """Whether a message speaks of its asker or the bot: "how do I …", "my …", "your …"."""
    for at, word in enumerate(words):
        previous = words[at - 1].casefold() if at else ""
        plain = word.casefold()
        if plain == "i" and previous in _ASKING_AUXILIARIES:
            return True
        if plain not in _THE_ASKER or _in_title(words, at):
            continue
        if not (plain == "me" and (previous in REQUEST_VERBS or previous in _FOR_ME)):
            return True
    return False


def addressed_to_the_bot(words: Sequence[str]) -> bool:
    """Whether a message asks the bot how or what it is, or what it likes."""
    for at, word in enumerate(words):
        if word.casefold() not in _YOU or _in_title(words, at) or not at:
            continue
        previous = words[at - 1].casefold()
        following = words[at + 1].casefold() if at + 1 < len(words) else ""
        if not (previous in _BE or (previous in _YOU_AUXILIARIES and following in _LIKING)):
            continue
        if not any(later.casefold() in _EMBEDDING for later in words[at + 1 :]):
            return True
    return False


def asks_to_make(words: Sequence[str]) -> bool:
    """Whether a message opens with an imperative to make or do something."""
    for word in words:
        plain = word.casefold()
        if plain not in _REQUEST_OPENING:
            return plain in _MAKING
    return False


def _own_words(text: str) -> list[str]:
    """The message's words outside quotation marks."""
    folded = fold(text)
    quoted = [m.span() for m in _QUOTED.finditer(folded)]
    return [
        m.group()
        for m in WORD.finditer(folded)
        if not any(start <= m.start() < end for start, end in quoted)
    ]


def _in_title(words: Sequence[str], at: int) -> bool:
    """Whether a capitalised word follows a capitalised one, as in a title."""
    return at > 0 and words[at][:1].isupper() and words[at - 1][:1].isupper()
