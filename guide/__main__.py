"""`python -m guide`: the same program as the `guide` command."""

import sys

from guide.cli import main

sys.exit(main())
