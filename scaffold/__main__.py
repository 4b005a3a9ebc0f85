"""`python -m scaffold`."""

from scaffold.cli_replay import main

main()
