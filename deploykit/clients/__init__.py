"""Management-API clients: the core every cloud shares, and one package per cloud.

``_api`` (the ServiceClient protocol, the ApiClient core, the Dialect a cloud fills in),
``_http`` (the httpx client factory, redacted logs), ``_retry`` (the policy) and ``_wait``
(the one waiter over normalized progress) name no cloud; ``alibaba/`` is PAI-EAS's.

Kept empty of imports on purpose: ``_wait`` is light and used by the CLI's renderers, while
httpx and tenacity load only with ``_http``/``_retry``/``_api`` and the cloud packages
(ARCHITECTURE.md rule 5).
"""
