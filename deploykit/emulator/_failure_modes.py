"""How services fail as real ones do: a crash loop and an OOM kill, chosen by the image.

A container image whose reference contains ``crashloop`` or ``oomkill`` (in its name or its
tag, any case: ``…/image-classify:crashloop``, ``…/oomkill-demo:1.0``) is accepted like any
other, then its instances crash the way such images crash on EAS:

* ``crashloop``: the process exits with code 1 after a Python traceback; the instance shows
  ``CrashLoopBackOff``, its last state ``{"reason": "Error", "exitCode": 1}``;
* ``oomkill``: the kernel kills the process while it loads the model; the last state is
  ``{"reason": "OOMKilled", "exitCode": 137}`` (reference/eas.md §2.3: ``eascmd w`` shows
  LASTSTATE ``reason: OOMKilled`` for an out-of-memory instance).

Each crash is a Warning event; after ``CRASHES_BEFORE_FAILED`` restarts the service is
Failed with the message below. Exit codes and reasons are Kubernetes' (EAS instances are
pods, reference/eas.md §1.11); the event and service messages are GUESS.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FailureMode:
    name: str  # the marker in the image reference
    exit_code: int
    termination: str  # LastState reason
    event_reason: str  # the Warning event each crash leaves
    event_message: str  # "{instance}" is filled in
    service_message: str  # DescribeService.Message once Failed; "{memory}" is filled in


MODES: dict[str, FailureMode] = {
    mode.name: mode
    for mode in (
        FailureMode(
            "crashloop",
            exit_code=1,
            termination="Error",
            event_reason="BackOff",
            event_message="Back-off restarting failed container of instance [{instance}]: "
            "exit code 1",
            service_message="Instances keep crashing (CrashLoopBackOff): the container "
            "exits with code 1 at start; see the instance logs",
        ),
        FailureMode(
            "oomkill",
            exit_code=137,
            termination="OOMKilled",
            event_reason="OOMKilled",
            event_message="Instance [{instance}] was killed for running out of memory "
            "(exit code 137)",
            service_message="Instances were OOMKilled (exit code 137): the container needs "
            "more memory than the {memory} MB of metadata.memory",
        ),
    )
}
# The instance status while a crashed container waits to be started again (Kubernetes').
CRASH_STATUS = "CrashLoopBackOff"


def failure_mode(config: Mapping[str, Any]) -> FailureMode | None:
    """The failure mode a service's images ask for, or None for a healthy service."""
    for container in _containers(config):
        image = str(container.get("image") or "").lower()
        for mode in MODES.values():
            if mode.name in image:
                return mode
    return None


def failure_message(mode: FailureMode, config: Mapping[str, Any]) -> str:
    metadata = config.get("metadata")
    memory = metadata.get("memory", "?") if isinstance(metadata, Mapping) else "?"
    return mode.service_message.format(memory=memory)


def crash_log(mode: FailureMode, config: Mapping[str, Any]) -> list[str]:
    """What one run of a crashing container prints before it dies."""
    script = entry_script(config)
    if mode.name == "oomkill":
        # An OOM kill leaves no traceback: the log just stops mid-load.
        return [
            f"starting: python {script}",
            "loading model weights from /models ...",
            "loading checkpoint shard 1/4",
            "loading checkpoint shard 2/4",
        ]
    return [
        f"starting: python {script}",
        "Traceback (most recent call last):",
        f'  File "{script}", line 14, in <module>',
        "    model = load_model(MODEL_PATH)",
        f'  File "{script}", line 9, in load_model',
        '    with open(path, "rb") as weights:',
        "FileNotFoundError: [Errno 2] No such file or directory: '/models/model.bin'",
    ]


def entry_script(config: Mapping[str, Any]) -> str:
    """The ``.py`` file the first container runs (``containers[].command``/``script``, §1.5)."""
    for container in _containers(config):
        line = str(container.get("command") or container.get("script") or "")
        for word in line.split():
            if word.endswith(".py"):
                return word
    return "app.py"


def _containers(config: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    containers = config.get("containers")
    for container in containers if isinstance(containers, list) else []:
        if isinstance(container, Mapping):
            yield container
