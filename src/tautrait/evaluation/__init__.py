"""Grading: the reward of an episode, and the validity gates of tasks."""
