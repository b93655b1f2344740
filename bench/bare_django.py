"""The second floor of `make bench`: a bare Django app, none of our project in it.

Only SecurityMiddleware and CommonMiddleware, no apps, no database, no templates, and one
view returning the same 20 KB page as our /bench/bare/ (clinic/bench.py). bench/run.py
starts it with the site's gunicorn settings (`gunicorn -c gunicorn.conf.py
bench.bare_django`, on a second port), so that the distance between the two floors is what
our middleware stack costs, and a page's ratio to this floor is what our whole stack costs
next to plain Django under the same server.
"""

import os
import secrets

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

from clinic.bench import BARE_PAGE

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
    ALLOWED_HOSTS=os.environ.get("ALLOWED_HOSTS", "127.0.0.1").split(","),
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
    ],
)


def bare(request):
    return HttpResponse(BARE_PAGE)


# The same path as the site's floor, so that bench/run.py can wait on either the same way.
urlpatterns = [path("bench/bare/", bare)]

application = get_wsgi_application()
