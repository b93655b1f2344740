from django.shortcuts import get_object_or_404, render

from .models import Product, Treatment


def treatment_list(request):
    treatments = Treatment.objects.active().with_packages()
    return render(request, "shop/treatment_list.html", {"treatments": treatments})


def treatment_detail(request, slug):
    treatment = get_object_or_404(Treatment.objects.active().with_packages(), slug=slug)
    return render(request, "shop/treatment_detail.html", {"treatment": treatment})


def product_list(request):
    return render(request, "shop/product_list.html", {"products": Product.objects.active()})


def product_detail(request, slug):
    product = get_object_or_404(Product.objects.active(), slug=slug)
    return render(request, "shop/product_detail.html", {"product": product})
