"""The cadres' "五个一" (SPEC §10): cadres and what the district assigns them (needy workers, a
key enterprise, a model-worker mentor), their phones' enrollment, their records with revisions
and reviews, study meetings and check-ins, and the compliance they add up to."""
