"""The scenarios section: the need the survey states, the capacity chosen options would add,
and the need they leave uncovered.

``parameters`` declares every parameter once; ``scenario`` (the validated parameter set, its
defaults from the data, the YAML files) and ``model`` (the pure, vectorised model) are the
calculations, without a language; ``views`` labels, formats and draws; ``widgets`` is the
interactive explorer.
"""
