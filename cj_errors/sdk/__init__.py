"""The Python API for CJ clients: the tolerant ``lookup``/``explain`` front (``api``), CJ errors as exceptions
(``exceptions``), httpx transports that retry and pace by CJ's codes (``httpx_transport``), cross-process pacing
(``pacing``) and the points budget (``budget``).

May import every layer below it (base, table, reading, requests, account, webhooks); never output or cli.
"""
