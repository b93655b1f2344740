"""Middleware every response passes: the request log, Permissions-Policy and CSP headers."""

import logging
import re
import time
import uuid

import csp.constants
import csp.middleware
import csp.utils
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


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware, with the site-wide policy built once instead of per response.

    django-csp rebuilds the header string from the settings for every response, a fifth of
    the cost of our cheapest page. Responses whose view changes the policy (csp_update,
    csp_replace, csp_exempt) or uses a nonce still get theirs built by django-csp.
    """

    OVERRIDES = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")

    def __init__(self, get_response):
        super().__init__(get_response)
        self._built_for = None
        self._policy = ""

    def policy(self):
        config = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        if config is not self._built_for:  # first use, or settings changed (tests)
            self._policy, self._built_for = csp.utils.build_policy(), config
        return self._policy, config or {}

    def process_response(self, request, response):
        if (
            getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or getattr(request, "_csp_nonce", None) is not None
            or any(
                hasattr(response, f"{name}{ro}") for name in self.OVERRIDES for ro in ("", "_ro")
            )
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return super().process_response(request, response)
        policy, config = self.policy()
        excluded = request.path_info.startswith(tuple(config.get("EXCLUDE_URL_PREFIXES") or ()))
        if policy and csp.constants.HEADER not in response and not excluded:
            response[csp.constants.HEADER] = policy
        request.csp_nonce = csp.middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response
