"""The parts of the telehealth seed-data generator (``generate.py`` runs them)."""
