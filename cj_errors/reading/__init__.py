"""Reading what CJ answered: envelopes in bodies, literals and log lines (``scan``, ``literals``), one answer
explained (``explanation``), streams and big files (``stream``, ``shapes``, ``halves``), which limit a message hit
(``ratelimits``), what a user pasted into lookup (``lookup``) and the input side of ``cjerr explain``.

May import ``base`` and ``table``.
"""
