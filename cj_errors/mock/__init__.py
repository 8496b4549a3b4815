"""``cjerr mock``: a local, stateful stand-in for the CJ API 2.0 that can answer with any error code.

It serves every catalog path under ``/api2.0/v1`` in the envelope variant CJ uses for that endpoint,
validates requests the way CJ does, keeps a seeded catalogue, orders, a balance and tokens (in memory,
or in SQLite with ``--state FILE``), enforces the QPS limit and an optional daily points budget, injects
faults on demand, and has an admin API under ``/__cjerr/`` (journal, reset, faults, state).

Modules, one per concern:

* ``rules``: faults, ``--fail`` and rules files, the rule book changed at run time;
* ``config``: the options (``build_config``) and ``--token-file``;
* ``bodies``: requests, responses, CJ's envelopes and wordings, the stateless endpoints;
* ``catalogue``: products, variants, stock and shipping routes from one seed;
* ``state``: the store, in memory or SQLite;
* ``tokens``: access and refresh tokens, the token cache and the getAccessToken throttle;
* ``orders``: orders, balance and the sandbox status tools;
* ``journal`` and ``admin``: what was asked, and the ``/__cjerr/`` API;
* ``app``: ``MockApp.handle``, request in, response out;
* ``server``: ``http.server`` in front of the app, ``serve`` for the CLI, ``start``/``running`` for tests.

Standard library only: no httpx, no Rich. Tokens never reach the log, the journal or ``/__cjerr/state`` in full.

It sits beside the CLI and uses the layers below it (the code table and catalog, webhooks, the config file's
rules); it may import any of them, and only the CLI and the pytest plugin import it.
"""

from __future__ import annotations

from cj_errors.mock.app import MockApp
from cj_errors.mock.bodies import (
    MockRequest,
    MockResponse,
    code_message,
    error_body,
    points_message,
    qps_message,
    success_body,
)
from cj_errors.mock.config import DEFAULT_HOST, DEFAULT_PORT, MockConfig, build_config, load_tokens
from cj_errors.mock.rules import Fault, Rule, load_rules, parse_fail, parse_fault
from cj_errors.mock.server import MockServer, RunningMock, base_url, log_target, running, serve, start

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "Fault",
    "MockApp",
    "MockConfig",
    "MockRequest",
    "MockResponse",
    "MockServer",
    "Rule",
    "RunningMock",
    "base_url",
    "build_config",
    "code_message",
    "error_body",
    "load_rules",
    "load_tokens",
    "log_target",
    "parse_fail",
    "parse_fault",
    "points_message",
    "qps_message",
    "running",
    "serve",
    "start",
    "success_body",
]
