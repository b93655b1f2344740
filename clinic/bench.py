"""Benchmark mode only (settings.BENCH, set by `make bench`): never active in production.

- `bare`: a 20 KB page with no database and no template, the floor of our stack.
- `QueryCountMiddleware`: says in an `X-Bench-Queries` header how many SQL queries the
  request made, so the benchmark reports queries per request of the real server.
"""

from django.db import connection
from django.http import HttpResponse

BARE_SIZE = 20 * 1024
_head = (
    '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>bare</title></head><body>'
)
_tail = "</body></html>"
_paragraph = "<p>Ortomed fotspecialister i Stockholm och Göteborg.</p>\n"
_body = (_paragraph * (BARE_SIZE // len(_paragraph.encode()) + 1)).encode()
BARE_PAGE = (_head.encode() + _body)[: BARE_SIZE - len(_tail)] + _tail.encode()


def bare(request):
    return HttpResponse(BARE_PAGE)


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count)
        return response
