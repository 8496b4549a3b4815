"""The low-level rules every layer shares: size caps (``limits``), the exit-code contract (``exits``), errors that
carry an exit status (``errors``), secret masking (``redact``), bounded reading of files and standard input
(``inputs``) and terminal escaping (``escaping``).

Standard library only. Imports nothing else from cj_errors: every other subpackage may import it.
"""
