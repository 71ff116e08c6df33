"""Platform facts that more than one part of deploykit relies on, each written once.

Validation rules, the converter, the custom-image checks and the emulator all read these;
a fact used in one place only stays next to that code. Nothing here imports anything.
"""

from __future__ import annotations

# seeds/004: "EASエンジンはこれらのポートでリッスンするため、ポート8080とポート9090を指定しないで
# ください" (the EAS engine listens on 8080 and 9090); the PAI SDK refuses the same list
# (pai/model/_model.py `_RESERVED_PORTS = [8080, 9090]`, reference/eas.md §0.2).
EAS_RESERVED_PORTS = frozenset({8080, 9090})
# The port the PAI SDK and seeds/004's examples listen on (reference/eas.md §0.3).
EAS_SUGGESTED_PORT = 8000
# Service names: 3-63 lowercase letters, digits and underscores (a regex for fullmatch). NOT
# official, the docs say only "unique within the same region": aigc-apps/PAI-RAG
# docs/eas_deploy_deepseek.md ("只能使用小写字母+数字+下划线组成") and Alibaba's aiops skill
# (`^[a-z0-9_]+$`, 3-63 chars), reference/eas.md §1.12. validate warns (EAS202); the
# emulator refuses such a name, as a strict server would.
EAS_SERVICE_NAME = r"[a-z0-9_]{3,63}"

# seeds/001-003: "the external service port of the image must be 8080"; the health and
# inference samples all call {listen_ip}:8080. Newer ModelArts lets config.json state
# another `port` (reference/modelarts.md §2.1, §8.4).
MODELARTS_IMAGE_PORT = 8080
# seeds/001, 002, 003 (all versions that document it): the health API is GET /health,
# answering {"health": "true"} with 200; the custom-engine spec says the path "must be
# /health" (reference/modelarts.md §1.6, inference-modelarts-0128).
MODELARTS_HEALTH_PATH = "/health"
# reference/modelarts.md §1.1: a model package is a directory named `model` holding
# config.json (and, for a custom engine, downloaded to /home/mind/model); the image's
# Dockerfile sits beside that directory or in it.
MODELARTS_MODEL_DIR = "model"
