"""Local transformers models: loading, chat formatting and batched generation."""
