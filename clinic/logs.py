"""Structured logs that name requests, never people.

Every line carries the id of the request it belongs to (from X-Request-ID, or made up), so
one request's lines can be found together. The JSON formatter writes only the fields listed
here: never a request object, POST data, query strings, names, e-mail addresses or phone
numbers.
"""

import contextvars
import json
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime

request_id_var = contextvars.ContextVar("request_id", default="-")

# Extra fields a log call may add (logger.info(..., extra={...})); everything else is dropped.
EXTRA_FIELDS = ("method", "path", "status", "duration_ms", "view", "limit_group")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


# A url-safe run of 16 or more characters (what every token converter accepts, and more)
# after the path segments that precede a token: /boka/hantera/, /boka/bekraftelse/,
# /shop/varukorg/bekraftelse/ and /boka/vantelista/<bekrafta|andra|lamna|erbjudande>/.
TOKEN_IN_PATH = re.compile(
    r"(/(?:hantera|bekraftelse|vantelista/[A-Za-z0-9_-]+)/)[A-Za-z0-9_-]{16,}"
)
TOKEN_MASK = r"\1[token]"


def without_tokens(text: str) -> str:
    """`text` with every token in a path replaced by "[token]"."""
    return TOKEN_IN_PATH.sub(TOKEN_MASK, text)


def _scrubbed(value):
    if isinstance(value, str):
        return without_tokens(value)
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    text = str(value)
    clean = without_tokens(text)
    return value if clean == text else clean


class TokenFilter(logging.Filter):
    """Removes booking, waitlist, offer and order tokens from a record's message, its
    arguments, its path and its traceback before any handler formats it: Django's own
    warnings ("Not Found: /boka/hantera/<token>/", CSRF failures, 405 and 409 responses) print
    the full path. Attached to every handler, here and in gunicorn.conf.py."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = without_tokens(record.msg)
        else:
            record.msg = _scrubbed(record.msg)
        if isinstance(record.args, Mapping):
            for key, value in list(record.args.items()):
                record.args[key] = _scrubbed(value)
        elif isinstance(record.args, tuple):
            record.args = tuple(_scrubbed(arg) for arg in record.args)
        for field in ("path",):
            value = getattr(record, field, None)
            if isinstance(value, str):
                setattr(record, field, without_tokens(value))
        # A traceback: formatted once here, as every formatter would, then kept scrubbed
        # (formatters use `exc_text` when it is set). Exception messages quote paths too.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = without_tokens(record.exc_text)
        if record.stack_info:
            record.stack_info = without_tokens(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", request_id_var.get()),
            "message": record.getMessage(),
        }
        for field in EXTRA_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info or record.exc_text:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
