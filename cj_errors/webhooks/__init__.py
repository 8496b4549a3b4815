"""CJ webhooks: signing, verification, sample messages, callback-URL rules and delivery.

What CJ documents (https://developers.cjdropshipping.com/en/api/start/webhook.html and
https://developers.cjdropshipping.com/en/api/api2/api/webhook.html):

* CJ POSTs JSON (``Content-Type: application/json``) to the HTTPS URL set with ``/webhook/set``
  and needs HTTP 200 within 3 seconds; localhost and 127.0.0.1 are refused (1607001), a URL that
  does not start with ``https://`` too (1607002), and one that does not answer 200 (1607003);
* each message carries a ``sign`` header: the padded Base64 of HMAC-SHA256 over the raw request
  body, keyed by the account's ``openId`` as a string. The openId is therefore a secret;
* a failed delivery is retried up to 3 times, and a topic is closed when under 80% of its
  deliveries succeed in each of the 2 previous complete hours.

CJ does not document the retry schedule, whether retries count towards the success rate, or
how an hour with no deliveries counts; cjerr's choices are named where they are made.

Standard library only (``http.client``), so receivers can import it without Typer, Rich or httpx. The work is
split by concern: ``signing`` (sign and verify), ``messages`` (topics, samples, reading a delivery) and
``delivery`` (posting with CJ's timeout and retries); callback-URL rules live with the other request checks in
``cj_errors.requests.callback_urls``. This package re-exports the public names of all four. May import ``base``,
``table`` and ``requests``; ``hub`` (the mock's registrations) and ``tools`` (the work behind ``cjerr webhook``)
sit beside them.
"""

from __future__ import annotations

from cj_errors.requests.callback_urls import (
    MAX_URL_LENGTH,
    Resolver,
    UrlCheck,
    UrlFinding,
    address_problem,
    check_url,
    registration_error,
    resolve_host,
)
from cj_errors.webhooks.delivery import (
    CLOSING_HOURS,
    DEFAULT_RETRY_DELAYS,
    DELIVERY_TIMEOUT,
    MAX_RETRIES,
    SUCCESS_THRESHOLD,
    Attempt,
    Deliverer,
    Delivery,
    Journal,
    TopicHealth,
    post_signed,
    what_cj_does,
)
from cj_errors.webhooks.messages import (
    TOPICS,
    TRACKING_STATUS,
    ReceivedMessage,
    Topic,
    WebhookError,
    encode,
    iter_topics,
    message,
    new_message_id,
    read_message,
    sample_message,
    sample_params,
    topic_named,
    topics_for_setting,
)
from cj_errors.webhooks.signing import (
    SIGN_HEADER,
    sign,
    signature_hints,
    verify,
)

DOC_WEBHOOK = "https://developers.cjdropshipping.com/en/api/api2/api/webhook.html"
DOC_WEBHOOK_GUIDE = "https://developers.cjdropshipping.com/en/api/start/webhook.html"

__all__ = [
    "Attempt",
    "CLOSING_HOURS",
    "DEFAULT_RETRY_DELAYS",
    "DELIVERY_TIMEOUT",
    "DOC_WEBHOOK",
    "DOC_WEBHOOK_GUIDE",
    "Deliverer",
    "Delivery",
    "Journal",
    "MAX_RETRIES",
    "MAX_URL_LENGTH",
    "ReceivedMessage",
    "Resolver",
    "SIGN_HEADER",
    "SUCCESS_THRESHOLD",
    "TOPICS",
    "TRACKING_STATUS",
    "Topic",
    "TopicHealth",
    "UrlCheck",
    "UrlFinding",
    "WebhookError",
    "address_problem",
    "check_url",
    "encode",
    "iter_topics",
    "message",
    "new_message_id",
    "post_signed",
    "read_message",
    "registration_error",
    "resolve_host",
    "sample_message",
    "sample_params",
    "sign",
    "signature_hints",
    "topic_named",
    "topics_for_setting",
    "verify",
    "what_cj_does",
]
