from django.urls import path

from . import views

app_name = "shop"

urlpatterns = [
    path("behandlingar/", views.treatment_list, name="treatment-list"),
    path("behandlingar/<slug:slug>/", views.treatment_detail, name="treatment-detail"),
    path("shop/", views.product_list, name="product-list"),
    path("shop/<slug:slug>/", views.product_detail, name="product-detail"),
]
