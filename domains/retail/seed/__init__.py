"""The parts of the Fernwick Market seed-data generator (``generate.py`` runs them)."""
