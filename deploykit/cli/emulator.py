"""Placeholder until the emulator command group lands."""

import typer


def register(app: typer.Typer) -> None:
    """Nothing yet."""
