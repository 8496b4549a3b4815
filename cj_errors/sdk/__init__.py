"""The Python API for CJ clients: the tolerant ``lookup``/``explain`` front (``api``), CJ errors as exceptions
(``exceptions``), httpx transports that retry and pace by CJ's codes (``httpx_transport``), cross-process pacing
(``pacing``) and where it is shared (``limiter``: the lock file, memory, or Redis in ``redis_limiter``), the points
budget (``budget``), and ``cjerr proxy`` for apps in other languages (``proxy``, recording with ``recording``).

May import every layer below it (base, table, reading, requests, account, webhooks); never output or cli.
"""
