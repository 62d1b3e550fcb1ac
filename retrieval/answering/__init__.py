"""Answering: a question becomes ranked passages, then quoted excerpts in an Answer.

Holds query analysis, search, re-ranking, excerpts, the Answer types, rendering for
Discord-flavoured text, and evaluation.
May import ``retrieval.index``, ``retrieval.text`` and the foundation; not intake.
"""
