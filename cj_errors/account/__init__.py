"""The account: where the token and defaults come from (``config``, ``paths``), where ``cjerr auth login``
keeps the token pair (``credentials``), and the auth flows (``auth``).

May import ``base``, ``table``, ``reading`` and ``requests``.
"""
