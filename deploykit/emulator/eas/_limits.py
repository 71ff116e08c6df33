"""PAI-EAS's own limits on what its emulator accepts, over the core's (``_request_limits``).

=================  ==========================  ==============================================
limit              value                       source
=================  ==========================  ==============================================
service name       3-63 of ``a-z0-9_``         reference/eas.md §1.12 (PAI-RAG docs and
                                               Alibaba's aiops skill; not official)
instances          0 to 10,000                 GUESS: no limit is documented (§1.12); far
                                               above any real service, far below 1e9
=================  ==========================  ==============================================

A negative instance count is not refused here: EAS accepts it and the service fails later,
which the lifecycle models (``_service.impossible_because``). A body that is not a bounded
JSON object is ``InvalidParameter``, as every other bad parameter (§3.6).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from deploykit import facts
from deploykit.emulator import _request_limits
from deploykit.emulator.eas._errors import EasFailure

MAX_INSTANCES = 10_000
_NAME = re.compile(facts.EAS_SERVICE_NAME)


def parse_json_object(body: bytes | str, what: str) -> dict[str, Any]:
    """``body`` as a JSON object within the core's limits, or ``InvalidParameter``."""
    return _request_limits.parse_json_object(body, what, invalid=_invalid)


def check_service_name(name: str) -> None:
    if not _NAME.fullmatch(name):
        shown = json.dumps(name[:64])  # quoted and escaped: CR, LF and the like stay visible
        raise _invalid(
            f"Service name {shown}{'...' if len(name) > 64 else ''} is invalid: use 3-63 "
            "lowercase letters, digits and underscores"
        )


def check_instance_count(value: Any) -> None:
    """``metadata.instance`` or ScaleService's ``Instance``: an integer, at most
    :data:`MAX_INSTANCES` (a number written as a string is left to the operation)."""
    if value is None or isinstance(value, str):
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid(f"The instance count must be an integer, not {json.dumps(value)}")
    if value > MAX_INSTANCES:
        raise _invalid(f"The instance count {value} is above {MAX_INSTANCES}")


def metadata_instance(config: Mapping[str, Any]) -> Any:
    metadata = config.get("metadata")
    return metadata.get("instance") if isinstance(metadata, Mapping) else None


def _invalid(message: str) -> EasFailure:
    return EasFailure("InvalidParameter", message)
