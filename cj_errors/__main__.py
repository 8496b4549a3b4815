"""Lets `python -m cj_errors` run the CLI."""

from cj_errors.cli import main

if __name__ == "__main__":
    main()
