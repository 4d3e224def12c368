"""python -m seedsnap: the same as the seedsnap command."""

from seedsnap.cli import run

run()
