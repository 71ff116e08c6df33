"""Deploy orchestration over the platform seam, cloud-free: specs, apply/plan, waits and what
explains their failures, eascmd-style text.

``specs`` loads and validates before anything is sent; ``apply`` and ``changes`` create,
update and diff through any ``ServiceClient``; ``waiting`` waits for a service to serve what
was asked; ``diagnosis`` explains a wait that failed or ran out, and ``rollback`` switches a
failed update back; ``eascmd_text`` renders eascmd's line and table shapes, which every
platform's output uses. Connecting is the platform's (``deploykit.platforms``).
"""
