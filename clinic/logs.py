"""Structured logs that name requests, never people.

Every line carries the id of the request it belongs to (from X-Request-ID, or made up), so
one request's lines can be found together. The JSON formatter writes only the fields listed
here: never a request object, POST data, query strings, names, e-mail addresses or phone
numbers.
"""

import contextvars
import json
import logging
from datetime import UTC, datetime

request_id_var = contextvars.ContextVar("request_id", default="-")

# Extra fields a log call may add (logger.info(..., extra={...})); everything else is dropped.
EXTRA_FIELDS = ("method", "path", "status", "duration_ms", "view", "limit_group")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
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
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
