"""``python -m auditor`` — the same as the ``omniaudit`` command."""

from auditor.cli import main

main(prog_name="omniaudit")
