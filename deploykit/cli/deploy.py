"""Placeholder until the deploy command group lands."""

import typer


def register(app: typer.Typer) -> None:
    """Nothing yet."""
