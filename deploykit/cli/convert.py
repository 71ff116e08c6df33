"""Placeholder until the convert command group lands."""

import typer


def register(app: typer.Typer) -> None:
    """Nothing yet."""
