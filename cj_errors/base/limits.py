"""Every size and count cap cjerr applies, in one place, each named for what it bounds.

A cap keeps a wrong input (``/dev/zero``, a FIFO, a log named by mistake, a hostile
server) from eating the memory or the time; none of them is a limit CJ documents.
Modules import their caps from here, so one number is changed in one place.
Standard library only (nothing at all): the fast path may import it.
"""

from __future__ import annotations

KIB = 1024
MIB = 1024 * KIB

# --- documents and bodies ---------------------------------------------------------------
DOCUMENT_BYTES = 16 * MIB  # one JSON body or log entry explained; larger is explained from its HTTP status only
REQUEST_BODY_BYTES = 16 * MIB  # probe -d @FILE / @- (what cjerr would send)
RESPONSE_BODY_BYTES = 16 * MIB  # probe --max-body default and the transport's default cap on an answer
LOOKUP_STDIN_BYTES = 16 * MIB  # lookup - (one query per line)
LITERAL_CHARS = 1 * MIB  # one literal parsed by the pure-Python tolerant reader; bigger is read as JSON only
SNIFF_HEAD_BYTES = 64 * KIB  # the start of a stream kept to guess its encoding and kind
TRANSCRIPT_BODY_BYTES = 64 * KIB  # the body of one HTTP transcript kept for a preview when it holds no envelope
READ_CHUNK_BYTES = 256 * KIB  # the piece read at a time from a stream whose lines may be huge (it stays in cache)
SPLIT_MIN_BYTES = 8 * MIB  # a file explain counts on two cores; below, a second process saves less than it costs
FILE_CHUNK_BYTES = 64 * KIB  # the piece read at a time by the bounded file reader

# --- files the user names ---------------------------------------------------------------
SECRET_FILE_BYTES = 64 * KIB  # a token file (cjerr and mock --token-file)
API_KEY_FILE_BYTES = 4 * KIB  # auth login --api-key-file
CONFIG_FILE_BYTES = 1 * MIB  # the TOML config file
CREDENTIAL_STORE_BYTES = 1 * MIB  # the stored tokens
RULES_FILE_BYTES = 1 * MIB  # mock --rules; more is a wrong file, not many rules
OPEN_ID_FILE_BYTES = 4 * KIB  # the webhook openId file
WEBHOOK_MESSAGE_BYTES = 1 * MIB  # a webhook message sent, verified or received
WEBHOOK_RESPONSE_PREVIEW_BYTES = 64 * KIB  # what a receiver answered to a delivery, kept to show

# --- the mock -------------------------------------------------------------------------------
MOCK_REQUEST_BODY_BYTES = 16 * MIB  # a request to the mock server
MOCK_ADMIN_BODY_BYTES = 1 * MIB  # a request to the mock's /__cjerr admin endpoints
MOCK_RULE_BODY_BYTES = 1 * MIB  # a request body the mock's rules look inside
MOCK_CUSTOM_BODY_BYTES = 256 * KIB  # a body a mock rule answers with
MOCK_CACHED_ANSWERS = 256  # success answers the mock keeps serialised (listV2 pages, settings...); then it starts over
MOCK_CACHED_BYTES = 16 * MIB  # what those answers and their keys hold together; then it starts over too
MOCK_CACHED_ANSWER_BYTES = 256 * KIB  # one answer (with its key) bigger than this is built anew each time
JOURNAL_BODY_CHARS = 64 * KIB  # one body kept in the mock's journal
JOURNAL_ENTRIES = 10000  # entries the mock's journal keeps
JOURNAL_BYTES = 16 * MIB  # what the journal's entries hold together (headers, bodies, paths); the oldest go first
JOURNAL_HEADER_BYTES = 8 * KIB  # one request's headers kept in the journal; the rest are counted, not kept
HTTP_HEADER_BYTES = 64 * KIB  # the request line's headers together, for the mock and webhook listen (then 431)
LISTEN_BACKLOG = 128  # connections the mock and webhook listen queue (the default 5 drops a burst)
LISTEN_MESSAGE_IDS = 10000  # messageIds webhook listen --dedupe remembers (the oldest go first)

FIFO_WRITER_WAIT_SECONDS = 2  # a named FIFO given as a file: how long cjerr waits for a writer before refusing it

# --- counts ---------------------------------------------------------------------------------
SUMMARY_CODES = 1000  # distinct codes counted in an explain summary
SHAPES = 4096  # response shapes remembered while explaining
SCAN_ATTEMPTS = 32  # literals tried in one piece of free text
SCAN_NODES = 4096  # nodes visited inside one parsed literal
SCAN_DEPTH = 32  # nesting followed inside one parsed literal
LITERAL_DEPTH = 64  # nesting a literal may have before it is refused
LOOKUP_NEAR_MISS_QUERIES = 1000  # queries of one lookup run searched for a near miss (a typo); the rest match exactly
LARGEST_NUMBER_OPTION = 1_000_000_000  # a number option (seconds, a rate, a balance): more overflows a sleep or a clock
INT_DIGITS = 40  # a longer integer is kept as text: no CJ value is that long, and int() of it is slow

# --- text compared or shown -----------------------------------------------------------------
CODE_DIGITS = 12  # a code typed to lookup (CJ's longest has 8 digits); keeps int() far from its digit limit
NUMBER_DIGITS = 1000  # a JSON number validate reads
CJ_MESSAGE_CHARS = 4096  # a CJ message searched for rate-limit wordings (a sentence; the rest is not searched)
WORDING_CHARS = 2048  # text compared in full against CJ's wordings
CONTAINED_SEARCH_CHARS = 2048  # text lookup searches for wordings inside it
SIMILAR_CHARS = 600  # text lookup compares for a near wording
REQUEST_ID_CHARS = 128  # a requestId kept in an explain summary
HELD_REASONS = 20  # reasons read from one held order
SCRUB_WINDOW_CHARS = (
    4096  # read past a cut before masking: longer than any credential, so one straddling the cut is seen whole
)
SHOWN_BODY_CHARS = 2000  # the start of a body that is not JSON, shown by probe
HELD_TEXT_CHARS = 300  # one held order's reason text shown
PACING_STATE_CHARS = 64 * KIB  # the shared pacing state file

# --- the proxy ------------------------------------------------------------------------------
PROXY_REQUEST_BODY_BYTES = 16 * MIB  # a request an app sends through cjerr proxy
RECORDED_BODY_CHARS = 64 * KIB  # a body that is not JSON, kept in a recording or the proxy's journal
RECORDING_FILE_BYTES = 32 * MIB  # one recording mock --replay reads
