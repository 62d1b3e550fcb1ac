"""storybot's retrieval library: the one public API that the CLI and the bot use.

The library has no Discord dependency. Its rooms, each a subpackage, import only
downwards: ``retriever`` → ``answering`` / ``intake`` → ``index`` → ``text``, and every
room may use the foundation modules ``errors``, ``settings`` and ``yamlfile``.
Adapters (``retrieval.cli``, ``bot``) import from here, never from a room.
"""

from __future__ import annotations

from retrieval.answering.answer import Answer, Result
from retrieval.answering.conversation import Conversation
from retrieval.answering.evaluation import EvalQuestion, Outcome, Report, evaluate, load_questions
from retrieval.answering.latest import Latest, since_date
from retrieval.answering.query import check_question
from retrieval.answering.quotes import Quote, Quotes
from retrieval.answering.render import (
    ELLIPSIS,
    NO_ANSWER,
    NO_ANSWER_HINT,
    RenderedResult,
    Reply,
    build_reply,
    clip,
    escape,
    no_answer,
    reply_text,
    source_text,
)
from retrieval.answering.timeline import Event, Timeline
from retrieval.errors import (
    ArticleError,
    ConfigError,
    CorpusError,
    EvalError,
    FeedError,
    IndexDamagedError,
    IndexStoreError,
    PassageGone,
    QuestionTooLong,
    StateError,
    StorybotError,
)
from retrieval.index.progress import Progress, ProgressStep
from retrieval.intake.following import FeedFollower, FeedUpdate, Followed, ItemReport
from retrieval.intake.ingest import Added, AddReport
from retrieval.intake.inputs import Overrides, expand, from_bytes, is_url
from retrieval.retriever import ArticleInfo, Retriever
from retrieval.settings import (
    CHANNEL_MODES,
    ChannelMode,
    FetchSettings,
    Settings,
    load_settings,
    shard_problem,
)
from retrieval.state.channels import ChannelSettings, ChannelStore
from retrieval.state.database import StateDatabase
from retrieval.state.export import feedback_file
from retrieval.state.feedback import MAX_COMMENT_CHARS, Feedback, VoteResult, clean_comment
from retrieval.state.feeds import FeedRecord, FeedStore
from retrieval.state.questions import ANSWER_ID, LoggedAnswer, QuestionLog, Shown
from retrieval.state.reports import QuestionStats, Unhelpful, question_stats, unhelpful_questions
from retrieval.storage.checking import IndexCheck, check_index
from retrieval.storage.corpus import MAX_ARTICLE_BYTES
from retrieval.storage.neighbours import Context, PassageRef
from retrieval.text.article import Article, Source
from retrieval.text.filters import Filters

__all__ = [
    "ANSWER_ID",
    "CHANNEL_MODES",
    "ELLIPSIS",
    "MAX_ARTICLE_BYTES",
    "MAX_COMMENT_CHARS",
    "NO_ANSWER",
    "NO_ANSWER_HINT",
    "AddReport",
    "Added",
    "Answer",
    "Article",
    "ArticleError",
    "ArticleInfo",
    "ChannelMode",
    "ChannelSettings",
    "ChannelStore",
    "ConfigError",
    "Context",
    "Conversation",
    "CorpusError",
    "EvalError",
    "EvalQuestion",
    "Event",
    "FeedError",
    "FeedFollower",
    "FeedRecord",
    "FeedUpdate",
    "Feedback",
    "FetchSettings",
    "Filters",
    "Followed",
    "IndexCheck",
    "IndexDamagedError",
    "IndexStoreError",
    "ItemReport",
    "Latest",
    "LoggedAnswer",
    "Outcome",
    "Overrides",
    "PassageGone",
    "PassageRef",
    "Progress",
    "ProgressStep",
    "QuestionLog",
    "QuestionStats",
    "QuestionTooLong",
    "Quote",
    "Quotes",
    "RenderedResult",
    "Reply",
    "Report",
    "Result",
    "Retriever",
    "Settings",
    "Shown",
    "Source",
    "StateDatabase",
    "StateError",
    "StorybotError",
    "Timeline",
    "Unhelpful",
    "VoteResult",
    "build_reply",
    "check_index",
    "check_question",
    "clean_comment",
    "clip",
    "escape",
    "evaluate",
    "expand",
    "feedback_file",
    "fetch_article",
    "from_bytes",
    "is_url",
    "load_questions",
    "load_settings",
    "no_answer",
    "open_channel_store",
    "open_feeds",
    "question_stats",
    "reply_text",
    "shard_problem",
    "since_date",
    "source_text",
    "unhelpful_questions",
]


def fetch_article(
    url: str, settings: FetchSettings, overrides: dict[str, str | None] | None = None
) -> Article:
    """Fetch an http(s) page and make an article of it (see ``retrieval.intake.fetch``)."""
    # Imported on use: HTML extraction loads trafilatura and lxml, which most commands never need.
    from retrieval.intake import fetch

    return fetch.fetch_article(url, settings, overrides)


def open_channel_store(settings: Settings) -> ChannelStore:
    """The channel settings in the state database the settings name, with their defaults."""
    database = StateDatabase.open(settings.state_path)
    return ChannelStore(database, settings.bot.default_mode, settings.bot.threads)


def open_feeds(settings: Settings, retriever: Retriever) -> FeedFollower[FeedRecord]:
    """The feeds followed for the retriever's corpus, kept in the settings' state database."""
    store = FeedStore(StateDatabase.open(settings.state_path))
    return FeedFollower(store, retriever, settings.feeds, settings.fetch)
