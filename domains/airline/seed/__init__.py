"""The parts of the Larkline Air seed-data generator (``generate.py`` runs them in order)."""
