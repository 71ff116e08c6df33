"""Image archives read without a Docker daemon: size from the manifest and layers, and the
saved run config (Cmd, User, ExposedPorts), for `docker save` and OCI layouts.

Multi-GB layers are faked without writing them: a layer's tar header states its size and
the file skips over the data (a sparse file), which is how a reader that only seeks past
layers sees a real 60 GB archive; OCI manifests state layer sizes directly.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest

from deploykit.cli.app import main
from deploykit.errors import SpecError
from deploykit.images.archive import read_archive
from deploykit.rules.image.inspection import check_image

GIB = 1024**3
# The example image's run config, as `docker save` stores it.
CONFIG = {
    "architecture": "amd64",
    "os": "linux",
    "config": {
        "User": "ma-user",
        "Env": ["PATH=/usr/local/bin:/usr/bin:/bin", "PORT=8080"],
        "Cmd": ["sh", "/home/run.sh"],
        "ExposedPorts": {"8080/tcp": {}},
        "WorkingDir": "/",
    },
}


def write_tar(path: Path, members: list[tuple[str, bytes | int]]) -> None:
    """A tar whose members are bytes, or (for layers) a size whose data is skipped."""
    with path.open("wb") as out:
        for name, content in members:
            info = tarfile.TarInfo(name)
            info.size = content if isinstance(content, int) else len(content)
            out.write(info.tobuf(format=tarfile.GNU_FORMAT))
            if isinstance(content, int):
                out.seek(content, io.SEEK_CUR)  # a hole: nothing is written
            else:
                out.write(content)
            out.write(b"\0" * (-info.size % tarfile.BLOCKSIZE))
        out.write(b"\0" * 2 * tarfile.BLOCKSIZE)


def docker_save(path: Path, layer_sizes: list[int], config: dict[str, Any] = CONFIG) -> Path:
    layers = [f"{i:064x}/layer.tar" for i in range(1, len(layer_sizes) + 1)]
    manifest = [{"Config": "abc123.json", "RepoTags": ["model-server:1.0"], "Layers": layers}]
    write_tar(
        path,
        [
            ("manifest.json", json.dumps(manifest).encode()),
            ("abc123.json", json.dumps(config).encode()),
            *zip(layers, layer_sizes, strict=True),
        ],
    )
    return path


def oci(path: Path, layer_sizes: list[int], nested: bool = False) -> Path:
    def blob(document: dict[str, Any]) -> tuple[str, bytes]:
        data = json.dumps(document).encode()
        return "sha256:" + hashlib.sha256(data).hexdigest(), data

    config_digest, config_data = blob(CONFIG)
    manifest_digest, manifest_data = blob(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": config_digest,
                "size": len(config_data),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": f"sha256:{i:064x}",
                    "size": size,
                }
                for i, size in enumerate(layer_sizes)
            ],
        }
    )
    top = {
        "schemaVersion": 2,
        "manifests": [
            {
                "digest": manifest_digest,
                "annotations": {"org.opencontainers.image.ref.name": "model-server:1.0"},
            }
        ],
    }
    members = [
        ("blobs/sha256/" + config_digest[7:], config_data),
        ("blobs/sha256/" + manifest_digest[7:], manifest_data),
    ]
    if nested:  # a multi-platform image: index → index → manifest
        index_digest, index_data = blob(top)
        members.append(("blobs/sha256/" + index_digest[7:], index_data))
        top = {"schemaVersion": 2, "manifests": [{"digest": index_digest}]}
    write_tar(
        path,
        [
            ("oci-layout", b'{"imageLayoutVersion": "1.0.0"}'),
            ("index.json", json.dumps(top).encode()),
            *members,
        ],
    )
    return path


def beside_config_json(folder: Path) -> None:
    (folder / "config.json").write_text(
        json.dumps(
            {
                "model_algorithm": "echo_service",
                "model_type": "Image",
                "apis": [{"url": "/", "method": "post"}],
            }
        )
    )


def test_docker_save_sizes_come_from_layer_headers_without_reading_them(tmp_path: Path) -> None:
    archive = read_archive(docker_save(tmp_path / "image.tar", [12 * GIB, 30 * GIB, 18 * GIB]))
    assert archive.layout == "docker-save" and archive.tags == ["model-server:1.0"]
    assert archive.size == 60 * GIB and not archive.compressed
    assert archive.config.argv == ["sh", "/home/run.sh"]
    assert archive.config.user is not None and archive.config.user.value == "ma-user"
    assert (tmp_path / "image.tar").stat().st_blocks * 512 < 1 << 20  # nothing was written


def test_a_modelarts_image_over_50_gb_is_an_error_and_over_35_gb_gets_advice(
    tmp_path: Path,
) -> None:
    beside_config_json(tmp_path)
    big = check_image(str(docker_save(tmp_path / "big.tar", [12 * GIB, 30 * GIB, 18 * GIB])))
    assert [d.rule for d in big[0].diagnostics] == ["IMG013", "IMG014"]
    assert "60.0 GiB" in big[0].diagnostics[0].message
    medium = check_image(str(docker_save(tmp_path / "medium.tar", [20 * GIB, 20 * GIB])))
    assert [d.rule for d in medium[0].diagnostics] == ["IMG014"]
    small = check_image(str(docker_save(tmp_path / "small.tar", [2 * GIB])))
    assert small[0].diagnostics == []


def test_an_archive_alone_is_read_as_an_inference_image(tmp_path: Path) -> None:
    # 31 GiB: over the training limit (30 GB), within the inference limit (50 GB); the
    # usage comes from a Dockerfile comment, which an archive does not have.
    beside_config_json(tmp_path)
    report = check_image(str(docker_save(tmp_path / "t.tar", [31 * GIB])))[0]
    assert report.diagnostics == []


def test_size_limits_are_skipped_with_a_note_when_the_platform_is_unknown(tmp_path: Path) -> None:
    report = check_image(str(docker_save(tmp_path / "image.tar", [60 * GIB])))[0]
    assert [d.rule for d in report.diagnostics] == ["IMG015"]
    assert "IMG013" in report.diagnostics[0].message


@pytest.mark.parametrize("nested", [False, True])
def test_oci_layouts_read_layer_sizes_from_the_manifest(tmp_path: Path, nested: bool) -> None:
    archive = read_archive(oci(tmp_path / "image.tar", [40 * GIB, 15 * GIB], nested=nested))
    assert archive.layout == "oci" and archive.size == 55 * GIB
    assert archive.compressed  # gzip layers: unpacked, the image is larger still
    assert archive.tags == ([] if nested else ["model-server:1.0"])
    assert archive.config.argv == ["sh", "/home/run.sh"]
    beside_config_json(tmp_path)
    message = check_image(str(tmp_path / "image.tar"))[0].diagnostics[0].message
    assert "compressed layers" in message


def test_a_gzipped_docker_save_is_streamed(tmp_path: Path) -> None:
    plain = docker_save(tmp_path / "image.tar", [1000, 2000])
    packed = tmp_path / "image.tar.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert read_archive(packed).size == 3000


def test_the_saved_config_is_checked_like_a_dockerfile(tmp_path: Path) -> None:
    beside_config_json(tmp_path)
    root = {**CONFIG, "config": {**CONFIG["config"], "User": "", "ExposedPorts": {"8000/tcp": {}}}}
    report = check_image(str(docker_save(tmp_path / "image.tar", [GIB], root)))[0]
    assert sorted(d.rule for d in report.diagnostics) == ["IMG003", "IMG011"]


@pytest.mark.parametrize(
    ("members", "cause"),
    [
        ([("README.md", b"# not an image")], "not an image archive"),
        (
            [
                (
                    "manifest.json",
                    json.dumps([{"Config": "c.json", "Layers": ["l/layer.tar"]}]).encode(),
                )
            ],
            "the archive lacks",
        ),
    ],
)
def test_what_is_not_an_image_archive_is_a_spec_error(
    tmp_path: Path, members: list[tuple[str, bytes | int]], cause: str
) -> None:
    write_tar(tmp_path / "image.tar", members)
    with pytest.raises(SpecError, match=cause):
        read_archive(tmp_path / "image.tar")


def test_a_corrupt_archive_exits_2_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "image.tar").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\xff" * 600)
    assert main(["validate", str(tmp_path / "image.tar")]) == 2
    err = capsys.readouterr().err
    assert "image archive" in err and "Traceback" not in err
