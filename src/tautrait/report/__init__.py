"""Reports: pass rates, pass^k and reward deltas computed from a run's episodes."""
