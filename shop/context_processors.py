from django.conf import settings

from .cart import Cart


def cart(request):
    """The number of items in the cart for the header. No query of its own: without a session
    cookie there is no cart; with one, the session is read once per request anyway."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES or not hasattr(request, "session"):
        return {"cart_count": 0}
    return {"cart_count": Cart(request.session).count}
