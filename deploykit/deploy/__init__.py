"""Deploy orchestration over the clients: connection, specs, apply/plan, eascmd-style text.

``connection`` turns --profile/--region/--endpoint into an ``EasClient``; ``specs`` loads and
validates before anything is sent; ``apply`` and ``changes`` create, update and diff; and
``eascmd_text`` renders eascmd's tables and ``[OK]`` lines.
"""
