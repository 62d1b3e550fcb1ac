"""English stopwords: function words that carry no topic, apostrophes removed."""

STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are arent as at be because been
    before being below between both but by can cant cannot could couldnt did didnt do
    does doesnt doing dont down during each few for from further had hadnt has hasnt
    have havent having he hed hes her here heres hers herself him himself his how hows i
    id im ive if in into is isnt it its itself lets me more most mustnt my myself no nor
    not of off on once only or other ought our ours ourselves out over own same shant
    she shed shes should shouldnt so some such than that thats the their theirs them
    themselves then there theres these they theyd theyll theyre theyve this those
    through to too under until up very was wasnt we well were weve werent what whats
    when whens where wheres which while who whos whom why whys with wont would wouldnt
    you youd youll youre youve your yours yourself yourselves also just s t d ll m o re
    ve y ain aren couldn didn doesn hadn hasn haven isn ma mightn mustn needn shan
    shouldn wasn weren wouldn whose whether
    """.split()
)
