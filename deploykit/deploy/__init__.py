"""Deploy orchestration over the platform seam, cloud-free: specs, apply/plan, eascmd-style text.

``specs`` loads and validates before anything is sent; ``apply`` and ``changes`` create,
update and diff through any ``ServiceClient``; ``eascmd_text`` renders eascmd's line and
table shapes, which every platform's output uses. Connecting is the platform's
(``deploykit.platforms``).
"""
