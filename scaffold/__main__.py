"""`python -m scaffold`."""

from scaffold.cli.entry import main

main()
