"""The request side: the endpoint catalog, local checks before a call (``validate``, ``traps``, ``findings``,
``callback_urls``, ``inline_secrets``), sending (``transport``, the only module here that imports httpx), probe,
the retry policy and reconciling unknown outcomes, and the OpenAPI document.

May import ``base``, ``table`` and ``reading``.
"""
