"""EAS → ModelArts → EAS keeps every field the two platforms share (issue #4), over generated
specs: image, port (never 8080/9090), health checks, pip requirements with ==, >= and <=.

The deployment settings config.json cannot hold (name, instance, cpu, memory, command or
script, env) must each be named by a loss at its exact pointer in the first step; given back as
options (as the loss report tells the user to), the round trip is exact.
"""

from __future__ import annotations

import json
from typing import Any

from conversion_testkit import assert_output_validates
from hypothesis import given, settings
from hypothesis import strategies as st

from deploykit.conversion import Overrides, convert
from deploykit.conversion.losses import is_loss
from deploykit.loading import load_text

NAMES = st.from_regex(r"[a-z][a-z0-9_]{2,30}", fullmatch=True)
WORD = st.from_regex(r"[a-z0-9][a-z0-9._/-]{0,11}", fullmatch=True)
IMAGES = st.builds(
    "registry-vpc.{}.aliyuncs.com/{}/{}:{}".format,
    st.sampled_from(["cn-shanghai", "cn-hangzhou", "ap-southeast-1"]),
    st.from_regex(r"[a-z][a-z0-9-]{1,10}", fullmatch=True),
    st.from_regex(r"[a-z][a-z0-9-]{1,10}", fullmatch=True),
    st.from_regex(r"v?[0-9]{1,2}(\.[0-9]{1,2}){0,2}", fullmatch=True),
)
PORTS = st.integers(1, 65535).filter(lambda p: p not in (8080, 9090))
REQUIREMENTS = st.builds(
    "{}{}".format,
    st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,8}([-_.][A-Za-z0-9]{1,5})?", fullmatch=True),
    st.one_of(
        st.just(""),
        st.builds(
            "{}{}".format,
            st.sampled_from(["==", ">=", "<="]),
            st.from_regex(r"[0-9]{1,2}(\.[0-9]{1,3}){0,2}", fullmatch=True),
        ),
    ),
)
ENV = st.lists(
    st.tuples(
        st.from_regex(r"[A-Z_][A-Z0-9_]{0,15}", fullmatch=True),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
    ),
    max_size=4,
    unique_by=lambda pair: pair[0],
)
TIMINGS = st.fixed_dictionaries(
    {},
    optional={
        "initial_delay_seconds": st.integers(0, 600),
        "timeout_seconds": st.integers(1, 60),
        "period_seconds": st.integers(1, 600),
        "failure_threshold": st.integers(1, 100),
    },
)


@st.composite
def eas_services(draw: st.DrawFn) -> dict[str, Any]:
    port = draw(PORTS)
    container: dict[str, Any] = {"image": draw(IMAGES)}
    start = draw(st.sampled_from(["command", "script"]))
    container[start] = draw(
        st.from_regex(r"python [a-z_]{1,10}\.py( --port [0-9]{2,5})?", fullmatch=True)
        if start == "command"
        else st.from_regex(r"cd /[a-z]{1,8} && python [a-z_]{1,10}\.py", fullmatch=True)
    )
    container["port"] = port
    env = draw(ENV)
    if env:
        container["env"] = [{"name": k, "value": v} for k, v in env]
    requirements = draw(st.lists(REQUIREMENTS, max_size=5))
    if requirements:
        container["prepare"] = {"pythonRequirements": requirements}
    for probe in draw(
        st.sets(st.sampled_from(["health_check", "readiness_check", "startup_check"]))
    ):
        action = draw(
            st.one_of(
                st.builds(
                    lambda path: {"http_get": {"path": path, "port": port}},
                    st.from_regex(r"/[a-z_/]{0,20}", fullmatch=True),
                ),
                st.builds(
                    lambda words: {"exec": {"command": words}},
                    st.lists(WORD, min_size=1, max_size=4),
                ),
            )
        )
        container[probe] = {**action, **draw(TIMINGS)}
    metadata: dict[str, Any] = {"name": draw(NAMES), "instance": draw(st.integers(1, 128))}
    for key, values in (("cpu", st.integers(1, 64)), ("memory", st.integers(256, 262144))):
        if draw(st.booleans()):
            metadata[key] = draw(values)
    return {"metadata": metadata, "containers": [container]}


def deployment_options(spec: dict[str, Any]) -> tuple[Overrides, set[str]]:
    """What config.json cannot hold, as the options that give it back, and the pointers the
    first step must report as lost."""
    metadata, container = spec["metadata"], spec["containers"][0]
    lost = {f"/metadata/{key}" for key in metadata}
    lost |= {f"/containers/0/{key}" for key in ("command", "script", "env") if key in container}
    options = Overrides(
        name=metadata["name"],
        instance=metadata["instance"],
        cpu=metadata.get("cpu"),
        memory=metadata.get("memory"),
        command=container.get("command"),
        script=container.get("script"),
        env=tuple((e["name"], e["value"]) for e in container.get("env", [])),
    )
    return options, lost


@settings(max_examples=150)
@given(eas_services())
def test_eas_to_modelarts_to_eas_keeps_every_shared_field(spec: dict[str, Any]) -> None:
    to_modelarts = convert(load_text(json.dumps(spec, indent=2), "service.json"), "modelarts")
    options, expected_lost = deployment_options(spec)

    assert not to_modelarts.blocked
    lost = {d.pointer for d in to_modelarts.diagnostics if is_loss(d)}
    if "prepare" in spec["containers"][0]:
        # Carried over, but ModelArts installs nothing into an Image model: a stated loss.
        expected_lost.add("/containers/0/prepare/pythonRequirements")
    assert lost == expected_lost
    assert_output_validates(to_modelarts)

    back = convert(load_text(json.dumps(to_modelarts.data), "config.json"), "eas", options)

    assert not back.blocked
    assert back.data == spec
