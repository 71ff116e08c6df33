"""The rules of ``deploykit probe`` (IMG020-IMG059) and the platform facts they check.

Every finding the probe reports is made by a rule named here, so the probe's code reads its
rules from this module only. IMG020-IMG026 were released with the first ``probe``; their
declarations still live in :mod:`deploykit.rules.image.findings` (another part of the tree),
and are re-exported here unchanged until they move. The facts are read from where they are
written once, never copied.

This module imports no network library: ``deploykit rules`` and SARIF output import it.
"""

from __future__ import annotations

from deploykit import facts
from deploykit.diagnostics import Severity
from deploykit.diagnostics.registry import rule
from deploykit.rules.image import findings as image_rules

# --- facts (each written once elsewhere; cited there) -------------------------------------

MODELARTS_HEALTH_PATH = facts.MODELARTS_HEALTH_PATH  # seeds/000-003: GET /health
HEALTH_BODY = image_rules.HEALTH_BODY  # seeds/000-003: answering 200 {"health": "true"}
SYNC_REQUEST_SECONDS = image_rules.SYNC_REQUEST_SECONDS  # ModelArts synchronous limit, 60 s
KEEPALIVE_SECONDS = image_rules.KEEPALIVE_SECONDS  # seeds/000-002: keep-alive 200 s
SIGTERM_WAIT_SECONDS = image_rules.SIGTERM_WAIT_SECONDS  # seeds/000-002: serve 60 s more
SIGTERM_TOTAL_SECONDS = image_rules.SIGTERM_TOTAL_SECONDS  # seeds/000-002: gone within 90 s

# --- facts only the probe checks ----------------------------------------------------------

# reference/modelarts.md §1.4: an API's url defaults to /, its method to POST, and a body's
# Content-type to application/json.
DEFAULT_API_URL = "/"
DEFAULT_METHOD = "POST"
DEFAULT_CONTENT_TYPE = "application/json"
# seeds/000-003: ModelArts' custom-image health API answers exactly 200 (with HEALTH_BODY);
# reference/eas.md §1.11: an EAS HTTP probe passes on 200 <= status < 400.
MODELARTS_HEALTHY = range(200, 201)
EAS_HEALTHY = range(200, 400)

# --- released rules, same meaning ---------------------------------------------------------

NO_ANSWER = image_rules.NO_ANSWER  # IMG020
BAD_HEALTH = image_rules.BAD_HEALTH  # IMG021
BAD_INFERENCE = image_rules.BAD_INFERENCE  # IMG022
NO_HTTP_KEEPALIVE = image_rules.NO_HTTP_KEEPALIVE  # IMG023
EARLY_EXIT = image_rules.EARLY_EXIT  # IMG024
LATE_EXIT = image_rules.LATE_EXIT  # IMG025
SLOW_REQUEST = image_rules.SLOW_REQUEST  # IMG026

# --- the API contract: config.json apis[] ---------------------------------------------------

API_NOT_SERVED = rule(
    "IMG027", Severity.ERROR, "image",
    "an API is not served at the url and method its config.json apis[] entry declares "
    "(404 or 405)",
    source="seeds/000-002 'External APIs': the inference API must be the same as the URL "
    "defined by apis in config.json",
)
RESPONSE_CONTENT_TYPE = rule(
    "IMG028", Severity.WARNING, "image",
    "the response's Content-Type is not the one apis[].response declares",
    source="reference/modelarts.md §1.4 (OTC-CFG Table 5); a warning because official "
    "examples declare multipart/form-data for JSON responses (§1.10)",
)
RESPONSE_SCHEMA = rule(
    "IMG029", Severity.ERROR, "image",
    "the response body does not match the JSON Schema in apis[].response.data "
    "(each violation with its JSON pointer)",
    source="reference/modelarts.md §1.4 (`data` is the JSON Schema of the body)",
)

# --- keep-alive, SIGTERM, what cannot be checked from outside ------------------------------

SHORT_KEEPALIVE = rule(
    "IMG030", Severity.WARNING, "image",
    "the server advertises a keep-alive timeout (Keep-Alive: timeout=N) shorter than 200 s",
    source="seeds/000-002 'Hitless rolling upgrade': set HTTP keep-alive to 200",
)
IN_FLIGHT_DROPPED = rule(
    "IMG031", Severity.WARNING, "image",
    "a request in flight when SIGTERM arrived was not answered",
    source="seeds/000-002 'Gracefully exiting a container': process all received requests "
    "before exiting",
)
CHECK_NOT_RUN = rule(
    "IMG032", Severity.INFO, "image",
    "a command (EXEC) health check runs inside the container, so the probe cannot run it",
    source="reference/modelarts.md §1.6 (check_method EXEC); reference/eas.md §1.11 (exec)",
)
