"""guide: turn a question bank kept as YAML into print-ready study material."""

__version__ = "0.1.0"

# The cycle collector's thresholds while a build runs (build.py), and for the whole of a
# `guide` process (cli.run): a build keeps millions of objects alive to its end.
FEW_COLLECTIONS = (100_000, 50, 100)
