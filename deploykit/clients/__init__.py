"""Management-API clients: signing, the HTTP client factory, retries and the one waiter.

Kept empty of imports on purpose: ``deploykit.clients._wait`` and ``.redaction`` are light and
used by the CLI's renderers, while httpx and tenacity load only with ``_http``/``_retry`` and
``alibaba.eas`` (ARCHITECTURE.md rule 5).
"""
