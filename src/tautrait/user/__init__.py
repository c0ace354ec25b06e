"""Simulated users: the customer side of an episode (steered, prompted, or via litellm)."""
