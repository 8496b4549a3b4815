"""The environment variables cjerr reads for the token and its defaults, named once (a published contract)."""

TOKEN_ENV = "CJ_ACCESS_TOKEN"
BASE_URL_ENV = "CJERR_BASE_URL"
CONFIG_ENV = "CJERR_CONFIG"
PACING_URL_ENV = "CJERR_PACING_URL"
