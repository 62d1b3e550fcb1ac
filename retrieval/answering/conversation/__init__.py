"""Conversations: follow-up questions read against the questions and answers before them.

``words`` knows the grammar a follow-up leans on (pronouns, connectives, names),
``resolve`` rewrites a follow-up into the question it stands for, and ``session`` keeps
the last few turns and asks through the retriever's ``ask``.
"""

from retrieval.answering.conversation.resolve import Reading, Turn
from retrieval.answering.conversation.session import Conversation

__all__ = ["Conversation", "Reading", "Turn"]
