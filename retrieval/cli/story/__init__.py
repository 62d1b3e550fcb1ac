"""The commands that show the story as a whole rather than answer one question.

``quotes`` (who said what), ``latest`` (what's new) and ``timeline`` (what happened when).
"""
