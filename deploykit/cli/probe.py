"""Placeholder until the probe command group lands."""

import typer


def register(app: typer.Typer) -> None:
    """Nothing yet."""
