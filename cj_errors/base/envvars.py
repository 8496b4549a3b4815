"""The environment variables cjerr reads for the token and its defaults, named once (a published contract)."""

TOKEN_ENV = "CJ_ACCESS_TOKEN"
BASE_URL_ENV = "CJERR_BASE_URL"
CONFIG_ENV = "CJERR_CONFIG"
NO_SPEND_ENV = "CJERR_NO_SPEND"  # 1/true/yes: refuse calls that spend money or cannot be undone
PACING_URL_ENV = "CJERR_PACING_URL"
