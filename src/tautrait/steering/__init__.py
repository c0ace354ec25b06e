"""TraitBasis steering: trait definitions, extraction, the basis file, and the hooks."""
