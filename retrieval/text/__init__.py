"""Text analysis: what an article is and how its words become index terms.

Holds the Article and Source records, cleaning, sentence boundaries, the analyzer
(stopwords, irregular verbs, stemming, spelling variants), speakers, passages,
dates in prose, and answer types (what a question asks for, and candidates in text).
May import only the foundation (``retrieval.errors``, ``settings``, ``yamlfile``).
"""
