"""tautrait: stress-test tool-using AI agents with trait-steered simulated users."""

__version__ = "0.1.0"
