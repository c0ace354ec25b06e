"""The parts of the Larkspur Telecom seed-data generator (``generate.py`` runs them)."""
