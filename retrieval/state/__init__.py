"""State: what the program keeps besides the corpus and the index, in one SQLite file.

Holds the database (opened with WAL and a busy timeout, its schema versioned and migrated
at open), the per-channel settings of the bot's guilds, the question log with its
retention, feedback votes keyed by a hash of the voter, the reports an editor reads
from them, and the followed feeds. Several processes on one machine share the file. May
import only the foundation.
"""
