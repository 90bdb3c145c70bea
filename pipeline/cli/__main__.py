"""``python -m pipeline.cli …`` runs the ``pilar`` command."""

from pipeline.cli import main

main()
