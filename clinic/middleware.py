"""Middleware every response passes: the request log and the Permissions-Policy header."""

import logging
import re
import time
import uuid

from django.conf import settings

from .logs import request_id_var

access_logger = logging.getLogger("clinic.request")

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# URL parts that are keys to someone's data (a booking's management link): logged as the
# route pattern ("boka/hantera/<str:token>/"), never with the value.
SECRET_URL_KWARGS = {"token", "key", "code", "secret", "uidb64"}


class RequestLogMiddleware:
    """Names each request (X-Request-ID), and logs method, path, status and duration.

    A valid X-Request-ID from the proxy is kept, so its logs and ours share the id. The path
    is logged without its query string.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if settings.ACCESS_LOG:
                access_logger.info(
                    "request",
                    extra={
                        "request_id": request_id,
                        "method": request.method,
                        "path": loggable_path(request),
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            request_id_var.reset(token)


def loggable_path(request):
    match = getattr(request, "resolver_match", None)
    if match is not None and SECRET_URL_KWARGS & set(match.kwargs):
        return "/" + match.route
    return request.path


class PermissionsPolicyMiddleware:
    """Switches off the browser features in settings.PERMISSIONS_POLICY for every page."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allow)})"
            for feature, allow in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response
