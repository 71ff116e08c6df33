"""Custom-image rules (IMG0xx) and the platform facts they check, each written once.

The seeds are the user's copies of the platforms' custom-image specifications:
seeds/000 (ModelArts, English, 2024-06), seeds/001 (English, 2024-10), seeds/002 (Chinese),
seeds/003 (Chinese, 2019–2021: training and model-management images), seeds/004 (EAS).
``reference/modelarts.md §2`` tabulates how the requirements changed between versions.
"""

from __future__ import annotations

from deploykit.diagnostics import Severity
from deploykit.diagnostics.registry import rule

# --- facts -------------------------------------------------------------------------------

# seeds/000-002: "set HTTP keep-alive to 200" for a hitless rolling upgrade.
KEEPALIVE_SECONDS = 200.0
# seeds/000-002: trap SIGTERM, wait 60 s before stopping; the whole exit within 90 s.
SIGTERM_WAIT_SECONDS = 60.0
SIGTERM_TOTAL_SECONDS = 90.0
# reference/modelarts.md §2.1 (inference-modelarts-0128): custom-engine containers start
# as uid 1000 / gid 100, user `ma-user` in group `ma-group`.
MA_USER, MA_UID, MA_GID = "ma-user", 1000, 100
GIB = 1024**3  # the limits are read as GiB, the larger reading: no false errors on a boundary
# Largest image per (platform, usage); reference/modelarts.md §2.1/§2.2 for older limits.
SIZE_LIMITS = {
    ("modelarts", "inference"): 50 * GIB,  # seeds/000-002 (2024+); 30 GB OTC, 10 GB ≤2021
    ("modelarts", "batch"): 50 * GIB,  # batch services run the same model images
    ("modelarts", "training"): 30 * GIB,  # new-version training (2024); 9.5 GB in seeds/003
}
# seeds/001-002 scenario 3: an image over 35 GB is built on a server such as ECS, not in
# a Notebook instance.
NOTEBOOK_BUILD_LIMIT = 35 * GIB
# seeds/000-002: a batch service's boot file, started through CMD.
BATCH_BOOT_FILE = "/home/run.sh"
USAGES = ("inference", "batch", "training")

# --- rules -------------------------------------------------------------------------------

NO_START_COMMAND = rule(
    "IMG001", Severity.WARNING, "image",
    "the image sets no CMD or ENTRYPOINT, so the platform has nothing to start",
    source="reference/modelarts.md §2.1 (custom engine: explicit CMD or a start command); "
    "seeds/004 (EAS containers[].command/script)",
)
BATCH_BOOT_FILE_RULE = rule(
    "IMG002", Severity.ERROR, "image",
    'a batch-service image must start /home/run.sh through CMD: CMD ["sh", "/home/run.sh"]',
    source="seeds/000-002 'Image boot file'; seeds/003 (older form CMD /bin/sh /home/run.sh)",
)
WRONG_PORT = rule(
    "IMG003", Severity.ERROR, "image",
    "the server listens on a port other than the one the platform sends requests to "
    "(EXPOSE alone: warning)",
    source="seeds/001-003 (ModelArts: 8080, or config.json `port`); seeds/004 "
    "(EAS: containers[].port must be the port the process listens on)",
)
EAS_RESERVED_PORT = rule(
    "IMG004", Severity.ERROR, "image",
    "the server listens on 8080 or 9090, which the EAS engine sidecar uses",
    source="seeds/004; reference/eas.md §1.5",
)
LOOPBACK_ONLY = rule(
    "IMG005", Severity.ERROR, "image",
    "the server binds 127.0.0.1 only, so the platform cannot reach it",
    source="seeds/001 (requests arrive at {listen_ip}:8080, the container IP); "
    "gunicorn/uvicorn/flask default to 127.0.0.1",
)
LOGS_NOT_STDOUT = rule(
    "IMG006", Severity.WARNING, "image",
    "logs are written to a file (or discarded) instead of standard output",
    source="seeds/000-003 'Log file output': logs must be standard output",
)
NO_KEEPALIVE = rule(
    "IMG007", Severity.WARNING, "image",
    "gunicorn runs without `-k gevent --keep-alive 200` (HTTP keep-alive 200 s)",
    source="seeds/000-002 'Hitless rolling upgrade'; gunicorn docs: the sync worker ignores "
    "--keep-alive",
)
NO_SIGTERM_TRAP = rule(
    "IMG008", Severity.WARNING, "image",
    "SIGTERM is not trapped (or the trap cannot run), so the container does not exit gracefully",
    source="seeds/000-002 'Gracefully exiting a container' (sample run.sh)",
)
SHORT_SIGTERM_WAIT = rule(
    "IMG009", Severity.WARNING, "image",
    "after SIGTERM the server is stopped before 60 s have passed",
    source="seeds/000-002: wait 60 s after SIGTERM before exiting",
)
LONG_SIGTERM_EXIT = rule(
    "IMG010", Severity.WARNING, "image",
    "the graceful exit after SIGTERM can take longer than 90 s",
    source="seeds/000-002: the whole exit is not longer than 90 s",
)
NOT_MA_USER = rule(
    "IMG011", Severity.WARNING, "image",
    "the image does not run as ma-user (uid 1000, gid 100), as ModelArts starts custom engines",
    source="reference/modelarts.md §2.1 (inference-modelarts-0128); §2.2 (training uid 1000)",
)
SETUID_FILE = rule(
    "IMG012", Severity.WARNING, "image",
    "a training image adds a setuid/setgid file (chmod u+s, g+s, 4xxx, 2xxx)",
    source="seeds/003 training-image spec (2019–2021; newer docs are silent: warning)",
)
IMAGE_TOO_LARGE = rule(
    "IMG013", Severity.ERROR, "image",
    "the image is larger than ModelArts accepts (50 GB for models, 30 GB for training)",
    source="seeds/000-002 (50 GB); reference/modelarts.md §2.1 (30 GB OTC 2022-25, 10 GB "
    "≤2021), §2.2 (training 30 GB; 9.5 GB in seeds/003)",
)
BUILD_OUTSIDE_NOTEBOOK = rule(
    "IMG014", Severity.INFO, "image",
    "an image over 35 GB is built on a server such as ECS, not in a Notebook instance",
    source="seeds/001-002 scenario 3",
)
CHECKS_SKIPPED = rule(
    "IMG015", Severity.INFO, "image",
    "the target platform is unknown, so platform-specific checks were skipped",
    source="deploykit: a config.json (ModelArts) or service JSON (EAS) next to the Dockerfile, "
    "or `# deploykit: platform=...`, names the platform",
)
FILE_NOT_FOUND = rule(
    "IMG016", Severity.INFO, "image",
    "a file the image starts (e.g. run.sh) is not in the build context, so it was not checked",
    source="deploykit: checks read run.sh and the server from the build context",
)
BAD_DIRECTIVE = rule(
    "IMG017", Severity.WARNING, "image",
    "a `# deploykit:` comment names an unknown platform or usage",
    source="deploykit: platform=eas|modelarts, usage=inference|batch|training",
)

# --- `deploykit probe`: a running server, called as the platform calls it ---------------

# reference/modelarts.md §2.1 (docker-modelarts 2024+): a synchronous request over 60 s fails.
SYNC_REQUEST_SECONDS = 60.0
HEALTH_BODY = {"health": "true"}  # at GET facts.MODELARTS_HEALTH_PATH

NO_ANSWER = rule(
    "IMG020", Severity.ERROR, "image",
    "the server does not answer: connection refused, reset or timed out",
    source="seeds/001 (the API is reachable as soon as the container starts)",
)
BAD_HEALTH = rule(
    "IMG021", Severity.ERROR, "image",
    'the health API does not answer GET /health with 200 {"health": "true"} '
    "(another body: warning)",
    source="seeds/000-003 'Health check API'; reference/eas.md §1.11 (EAS: 200 <= status < 400)",
)
BAD_INFERENCE = rule(
    "IMG022", Severity.ERROR, "image",
    "the inference API fails: 5xx or no answer (a 4xx to the sample request: warning)",
    source="seeds/000-002 'External APIs' (the inference API answers at the config.json url)",
)
NO_HTTP_KEEPALIVE = rule(
    "IMG023", Severity.WARNING, "image",
    "the server closes the connection after each request (no HTTP keep-alive)",
    source="seeds/000-002 'Hitless rolling upgrade' (keep-alive 200)",
)
EARLY_EXIT = rule(
    "IMG024", Severity.WARNING, "image",
    "after SIGTERM the server stopped serving before 60 s had passed",
    source="seeds/000-002 'Gracefully exiting a container'",
)
LATE_EXIT = rule(
    "IMG025", Severity.WARNING, "image",
    "after SIGTERM the server did not exit within 90 s",
    source="seeds/000-002 'Gracefully exiting a container'",
)
SLOW_REQUEST = rule(
    "IMG026", Severity.WARNING, "image",
    "an inference request took longer than 60 s, which fails in ModelArts' synchronous mode",
    source="reference/modelarts.md §2.1 (sync request timeout 60 s; use asynchronous mode)",
)
