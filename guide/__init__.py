"""guide: turn a question bank kept as YAML into print-ready study material."""

__version__ = "0.1.0"
