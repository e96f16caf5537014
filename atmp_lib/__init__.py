"""ATMP competence-needs analyses: datasets, calculations, charts and report building."""
