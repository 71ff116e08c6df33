"""JSON Schema export: the schemas in ``specs/`` are generated from the pydantic models.

``deploykit schema eas`` prints exactly the checked-in file; ``python -m deploykit.schema``
regenerates every file (a test fails when one is stale). The schema is what editors and
``check-jsonschema --schemafile specs/eas-service.schema.json`` use; deploykit's own rules
go further (reserved ports, command vs script, ...), which a schema cannot say.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from deploykit.errors import ConfigError

# platform -> "module:Model" of its spec file; each module is imported only when asked for.
MODELS = {
    "eas": "deploykit.models.eas:EasService",
    "modelarts": "deploykit.models.modelarts:ModelArtsConfig",
}
# platform -> file name under specs/.
SCHEMA_FILES = {
    "eas": "eas-service.schema.json",
    "modelarts": "modelarts-config.schema.json",
}
SPECS_DIR = Path(__file__).resolve().parent.parent / "specs"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_for(platform: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``platform``'s spec file."""
    model = _model(platform)
    schema = model.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": DIALECT, **schema}


def render(platform: str) -> str:
    """The schema as the text checked in to ``specs/`` (and printed by `deploykit schema`)."""
    return json.dumps(schema_for(platform), indent=2, ensure_ascii=False) + "\n"


def schema_path(platform: str, directory: Path = SPECS_DIR) -> Path:
    return directory / SCHEMA_FILES[platform]


def write_all(directory: Path = SPECS_DIR) -> list[str]:
    """Regenerate every platform's schema file; one line per platform saying what happened.
    A platform whose model module is not there yet is skipped, with a message."""
    lines = []
    for platform in MODELS:
        try:
            text = render(platform)
        except ConfigError as err:
            lines.append(f"skipped {platform}: {err.message}")
            continue
        path = schema_path(platform, directory)
        path.parent.mkdir(parents=True, exist_ok=True)
        unchanged = path.exists() and path.read_text(encoding="utf-8") == text
        if not unchanged:
            path.write_text(text, encoding="utf-8")
        lines.append(f"{'unchanged' if unchanged else 'wrote'} {path}")
    return lines


def _model(platform: str) -> type[BaseModel]:
    target = MODELS.get(platform)
    if target is None:
        raise ConfigError(
            f"no schema for platform {platform!r}",
            hint=f"use one of: {', '.join(MODELS)}",
        )
    module_name, _, name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise ConfigError(f"the {platform} model ({module_name}) is not available") from exc
    model: type[BaseModel] = getattr(module, name)
    return model


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m deploykit.schema [DIR]``: regenerate the schema files (default: specs/)."""
    args = list(sys.argv[1:] if argv is None else argv)
    directory = Path(args[0]) if args else SPECS_DIR
    for line in write_all(directory):
        sys.stdout.write(line + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
