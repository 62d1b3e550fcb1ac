"""Storage: the corpus folder and the saved index folder, and keeping the two in step.

Holds the corpus folder's readers, the store (which segments are saved, the manifest,
opening and saving an index), serving (opening it for readers, catching up with other
processes, answering from the last saved index), deletion files and removal in place,
the lock that serialises writers, and an excerpt's context (its paragraph and the ones
around it, found by a reference that outlives index positions).
May import ``retrieval.index``, ``retrieval.text`` and the foundation; never intake,
answering or above.
"""
