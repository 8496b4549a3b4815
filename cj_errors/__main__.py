"""Lets `python -m cj_errors` run the CLI."""

from cj_errors.cli.app import main

if __name__ == "__main__":
    main()
