"""`python -m guide`: the same program as the `guide` command."""

from guide.cli import run

if __name__ == "__main__":  # not when a process of the build is started afresh (it imports this)
    run()
