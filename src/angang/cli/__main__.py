"""``python -m angang.cli``: the ``angang`` command."""

from angang.cli import main

main()
