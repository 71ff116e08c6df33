"""EAS2xx, images and registry auth: where an image is pulled from, whether EAS can reach
that registry by default (seeds/004: no internet access; Container Registry over its VPC
address), and whether dockerAuth is what EAS expects.

Facts are tables at the top, each citing its source; the checks below only read them.
"""

from __future__ import annotations

import base64
import binascii
import re

from deploykit.diagnostics import Diagnostic, Severity
from deploykit.diagnostics.registry import rule
from deploykit.models.eas import EasService
from deploykit.rules.shape import field_path
from deploykit.secrets import redact_userinfo

# seeds/004: EAS has no internet access by default; Container Registry images must use the
# region's VPC address (registry-vpc.cn-shanghai.aliyuncs.com). Internet registries:
INTERNET_REGISTRIES = frozenset({
    "docker.io", "index.docker.io", "registry-1.docker.io", "ghcr.io", "quay.io", "gcr.io",
    "nvcr.io", "registry.k8s.io", "public.ecr.aws", "mcr.microsoft.com",
})  # fmt: skip
# Container Registry public-network addresses and the VPC address to use instead (seeds/004;
# Enterprise Edition instances follow the same "-vpc" pattern, reference/eas.md §1.5).
ACR_PUBLIC_TO_VPC = (
    (re.compile(r"^registry\.([a-z0-9-]+)\.aliyuncs\.com$"), r"registry-vpc.\1.aliyuncs.com"),
    (
        re.compile(r"^([a-z0-9-]+)-registry\.([a-z0-9-]+)\.cr\.aliyuncs\.com$"),
        r"\1-registry-vpc.\2.cr.aliyuncs.com",
    ),
)
# The same account pulls Container Registry images with no dockerAuth (seeds/004).
ALIBABA_REGISTRY_SUFFIX = ".aliyuncs.com"
# Reachable with no setup: Personal Edition's per-region internal address (seeds/004) and
# EAS's own image registry (eas-registry-vpc.<region>.cr.aliyuncs.com, reference/eas.md §1.5).
EAS_REACHABLE_REGISTRY_PREFIXES = ("registry-vpc.", "eas-registry-vpc.")
# Enterprise Edition instances are reachable only inside their VPC (seeds/004).
ENTERPRISE_REGISTRY_SUFFIX = ".cr.aliyuncs.com"

DOCKER_AUTH = rule(
    "EAS205", Severity.ERROR, "eas",
    "dockerAuth is not base64 of `username:password`",
    source="seeds/004; reference/eas.md §0.4",
)
PUBLIC_IMAGE = rule(
    "EAS206", Severity.WARNING, "eas",
    "image is on a public-network registry address EAS cannot reach by default",
    source="seeds/004 (EAS has no internet access; use registry-vpc.<region>.aliyuncs.com)",
)
PRIVATE_IMAGE_NO_AUTH = rule(
    "EAS207", Severity.WARNING, "eas", "image on a self-managed registry and no dockerAuth",
    source="seeds/004 (self-managed registries need dockerAuth and a VPC connection)",
)
REGISTRY_NEEDS_VPC = rule(
    "EAS223", Severity.WARNING, "eas",
    "image on an Enterprise Edition or self-managed registry and no cloud.networking VPC",
    source="seeds/004 (such registries are reachable only inside their VPC)",
)


def check_images(found: list[Diagnostic], service: EasService) -> None:
    """EAS205-EAS207, EAS223: every image of the service, and its registry credential."""
    if service.docker_auth is not None:
        _docker_auth(found, service.docker_auth.get_secret_value())
    _images(found, service)


def _docker_auth(found: list[Diagnostic], raw: str) -> None:
    """Never echo the value or what it decodes to: only say what is wrong with it."""
    # A masked value ("dGVzdGNhbzoxM*******", as the docs print it) is DK010's, not ours.
    problem = _docker_auth_problem(raw)
    if problem is not None:
        found.append(
            DOCKER_AUTH(
                "/dockerAuth",
                f"dockerAuth {problem}",
                suggestion='set it to the output of: echo -n "username:password" | base64',
            )
        )


def _docker_auth_problem(raw: str) -> str | None:
    try:
        decoded = base64.b64decode(raw.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return "is not base64 of `username:password`"
    if decoded.endswith("\n"):
        return "decodes to text ending in a newline (made with `echo` without `-n`?)"
    user, colon, password = decoded.partition(":")
    if not colon or not user or not password:
        return "does not decode to `username:password`"
    return None


def _images(found: list[Diagnostic], service: EasService) -> None:
    # The addresses seeds/004 asks for are the common case: decided here, before a pointer
    # is built for the image.
    for index, container in enumerate(service.containers or ()):
        image = container.image
        if image and not registry_host(image).startswith(EAS_REACHABLE_REGISTRY_PREFIXES):
            _image(found, service, f"/containers/{index}/image", image)
    for index, item in enumerate(service.storage or ()):
        image = item.image.image if item.image is not None else None
        if image and not registry_host(image).startswith(EAS_REACHABLE_REGISTRY_PREFIXES):
            _image(found, service, f"/storage/{index}/image/image", image)


def _image(found: list[Diagnostic], service: EasService, pointer: str, image: str) -> None:
    """An image not on an address EAS reaches with no setup (``_images`` decided that)."""
    host = registry_host(image)
    where = field_path(pointer)
    networking = service.cloud.networking if service.cloud is not None else None
    has_vpc = networking is not None and bool(networking.vpc_id or networking.vswitch_id)
    if host.endswith(ENTERPRISE_REGISTRY_SUFFIX) and "-registry-vpc." in host:
        if not has_vpc:
            found.append(
                REGISTRY_NEEDS_VPC(
                    pointer,
                    f"{where} is in a Container Registry Enterprise Edition instance ({host}), "
                    "which EAS reaches only once it is connected to that instance's VPC",
                    suggestion="set cloud.networking vpc_id, vswitch_id and security_group_id "
                    "to a VPC the registry is bound to",
                )
            )
        return
    if host in INTERNET_REGISTRIES:
        found.append(
            PUBLIC_IMAGE(
                pointer,
                f"{where} `{redact_userinfo(image)}` is on {host}, an internet registry; EAS "
                "has no internet access by default, so it cannot pull it",
                suggestion="push it to Container Registry and use the VPC address "
                "registry-vpc.<region>.aliyuncs.com/..., or enable internet access for EAS",
            )
        )
        return
    for public, vpc in ACR_PUBLIC_TO_VPC:
        if public.match(host):
            vpc_host = public.sub(vpc, host)
            found.append(
                PUBLIC_IMAGE(
                    pointer,
                    f"{where} uses the public-network address {host}; EAS has no internet "
                    "access by default and pulls Container Registry images over the VPC",
                    suggestion=f"use the VPC address: {image.replace(host, vpc_host, 1)}",
                )
            )
            return
    if not host.endswith(ALIBABA_REGISTRY_SUFFIX):
        _self_managed(found, service, pointer, host, has_vpc)


def _self_managed(
    found: list[Diagnostic], service: EasService, pointer: str, host: str, has_vpc: bool
) -> None:
    """An image on a registry that is neither an internet one nor Alibaba's."""
    where = field_path(pointer)
    if service.docker_auth is None:
        found.append(
            PRIVATE_IMAGE_NO_AUTH(
                pointer,
                f"{where} is on the self-managed registry {host} and there is no dockerAuth; "
                "EAS can pull it only if the registry allows anonymous pulls from EAS's VPC",
                suggestion='add "dockerAuth": base64 of username:password, and connect EAS to '
                "the registry's VPC",
            )
        )
    elif not has_vpc:
        found.append(
            REGISTRY_NEEDS_VPC(
                pointer,
                f"{where} is on the self-managed registry {host}; EAS has no internet access, "
                "so it reaches the registry only once it is connected to the registry's VPC",
                suggestion="set cloud.networking vpc_id, vswitch_id and security_group_id, or "
                "enable internet access for EAS if the registry is public",
            )
        )


def registry_host(image: str) -> str:
    """The registry host of an image reference; Docker Hub for `python:3.10`, `user/app`."""
    first, slash, _ = image.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        return first.lower()
    return "docker.io"
