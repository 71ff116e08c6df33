"""Image archives read without a Docker daemon: ``docker save`` and OCI layouts, as ``.tar``
or ``.tar.gz``.

Only headers and small JSON documents are read; layer contents are never loaded (a
plain ``.tar`` is read by seeking past each member; a ``.tar.gz`` is streamed once).

- ``docker save`` (legacy layout): ``manifest.json`` is ``[{"Config": "<id>.json",
  "RepoTags": [...], "Layers": ["<id>/layer.tar", ...]}]``; a layer's size is its tar
  member's size (uncompressed).
- OCI image layout (https://github.com/opencontainers/image-spec/blob/main/image-layout.md,
  also what Docker 25+ ``docker save`` writes): ``oci-layout`` + ``index.json`` →
  manifest blob ``blobs/sha256/<hex>`` whose ``layers[].size`` are the stored (usually
  gzip-compressed) sizes. An index may point at a nested index (multi-platform images).
"""

from __future__ import annotations

import json
import tarfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deploykit.errors import SpecError
from deploykit.images.dockerfile import ImageConfig, Located

ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz")
_JSON_LIMIT = 16 << 20  # manifests and configs are kilobytes; refuse to buffer more
_GZIP_MEDIA = "gzip"


@dataclass
class ImageArchive:
    path: Path
    layout: str  # "docker-save" | "oci"
    tags: list[str] = field(default_factory=list)
    layer_sizes: list[int] = field(default_factory=list)
    compressed: bool = False  # sizes are of compressed layers: the image is bigger unpacked
    config: ImageConfig = field(default_factory=ImageConfig)

    @property
    def size(self) -> int:
        return sum(self.layer_sizes)


def is_archive(path: Path) -> bool:
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


def read_archive(path: Path) -> ImageArchive:
    """The layout, tags, layer sizes and config of an image archive; SpecError if it is not one."""
    try:
        with tarfile.open(path, mode="r:*") as tar:
            members, documents = _scan(tar)
    except (OSError, tarfile.TarError, EOFError, zlib.error) as err:
        cause = (err.strerror if isinstance(err, OSError) and err.strerror
                 else "it is not a tar file, nor a gzip of one, or it is cut short")
        raise SpecError(f"cannot read the image archive: {cause}", path=str(path),
                        hint="pass the output of `docker save IMAGE -o image.tar` "
                             "(optionally gzipped) or an OCI image layout tar") from None
    # Docker 25+ writes both layouts; the legacy manifest.json lists uncompressed layers.
    if isinstance(documents.get("manifest.json"), list):
        return _docker_save(path, members, documents)
    if "index.json" in documents:
        return _oci(path, documents)
    raise SpecError("not an image archive: no manifest.json (docker save) or index.json (OCI)",
                    path=str(path),
                    hint="create it with `docker save IMAGE -o image.tar`")


def _scan(tar: tarfile.TarFile) -> tuple[dict[str, int], dict[str, Any]]:
    """Every member's size, and the JSON documents an image archive is described by."""
    members: dict[str, int] = {}
    documents: dict[str, Any] = {}
    for member in tar:
        name = member.name.removeprefix("./")
        members[name] = member.size
        if not member.isfile() or member.size > _JSON_LIMIT:
            continue
        if name in {"manifest.json", "index.json", "oci-layout"} or name.endswith(".json") or (
            name.startswith("blobs/") and member.size < (1 << 20)
        ):
            extracted = tar.extractfile(member)
            if extracted is None:
                continue
            try:
                documents[name] = json.loads(extracted.read())
            except ValueError:
                continue  # a small blob that is not JSON (e.g. a tiny layer)
    return members, documents


def _docker_save(path: Path, members: dict[str, int], documents: dict[str, Any]) -> ImageArchive:
    manifest = documents["manifest.json"]
    entry = manifest[0] if manifest and isinstance(manifest[0], dict) else {}
    archive = ImageArchive(path, "docker-save", tags=list(entry.get("RepoTags") or []))
    for layer in entry.get("Layers") or []:
        if layer not in members:
            raise SpecError(f"the manifest names layer {layer!r}, which the archive lacks",
                            path=str(path), hint="re-create the archive with `docker save`")
        archive.layer_sizes.append(members[layer])
    archive.config = _config(documents.get(str(entry.get("Config", ""))))
    return archive


def _oci(path: Path, documents: dict[str, Any]) -> ImageArchive:
    archive = ImageArchive(path, "oci")
    manifest = _manifest(documents, documents["index.json"], depth=0)
    if manifest is None:
        raise SpecError("the OCI index names no image manifest the archive holds", path=str(path),
                        hint="re-create the archive with `docker save IMAGE -o image.tar`")
    for layer in manifest.get("layers") or []:
        archive.layer_sizes.append(int(layer.get("size", 0)))
        archive.compressed = archive.compressed or _GZIP_MEDIA in str(layer.get("mediaType", ""))
    config_digest = str((manifest.get("config") or {}).get("digest", ""))
    archive.config = _config(documents.get(_blob(config_digest)))
    for descriptor in documents["index.json"].get("manifests") or []:
        tag = (descriptor.get("annotations") or {}).get("org.opencontainers.image.ref.name")
        if tag:
            archive.tags.append(tag)
    return archive


def _manifest(documents: dict[str, Any], index: Any, depth: int) -> dict[str, Any] | None:
    """The first image manifest an index leads to (nested indexes: multi-platform images)."""
    if not isinstance(index, dict) or depth > 3:
        return None
    for descriptor in index.get("manifests") or []:
        document = documents.get(_blob(str(descriptor.get("digest", ""))))
        if isinstance(document, dict) and "layers" in document:
            return document
        found = _manifest(documents, document, depth + 1)
        if found is not None:
            return found
    return None


def _blob(digest: str) -> str:
    algorithm, _, hexdigest = digest.partition(":")
    return f"blobs/{algorithm}/{hexdigest}"


def _config(document: Any) -> ImageConfig:
    """The run config of an image config document (``config.Cmd``, ``User``, ...)."""
    settings = document.get("config") if isinstance(document, dict) else None
    if not isinstance(settings, dict):
        return ImageConfig()
    env = dict(item.partition("=")[::2] for item in settings.get("Env") or [])
    user = settings.get("User")
    return ImageConfig(
        entrypoint=settings.get("Entrypoint") or None,
        cmd=settings.get("Cmd") or None,
        user=Located(user) if user else None,
        env=env,
        exposed=[(int(p.split("/")[0]), Located(p)) for p in settings.get("ExposedPorts") or {}
                 if p.split("/")[0].isdigit()],
        workdir=settings.get("WorkingDir") or "/",
    )
