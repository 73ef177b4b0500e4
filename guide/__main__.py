"""`python -m guide`: the same program as the `guide` command."""

from guide.cli import run

run()
