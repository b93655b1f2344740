from django.urls import path

import booking.urls  # noqa: F401 - registers the "token" path converter used below

from . import views

app_name = "shop"

urlpatterns = [
    path("behandlingar/", views.treatment_list, name="treatment-list"),
    path("behandlingar/<slug:slug>/", views.treatment_detail, name="treatment-detail"),
    path("shop/", views.product_list, name="product-list"),
    path("shop/villkor/", views.terms, name="terms"),
    path("shop/varukorg/", views.cart_view, name="cart"),
    path("shop/varukorg/kassa/", views.checkout, name="checkout"),
    path(
        "shop/varukorg/bekraftelse/<token:token>/",
        views.order_confirmation,
        name="order-confirmation",
    ),
    path("shop/<slug:slug>/", views.product_detail, name="product-detail"),
]
