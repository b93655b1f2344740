from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from conditions.models import Condition
from shop.models import Product, Treatment


class StaticSitemap(Sitemap):
    def items(self):
        return ["clinic:home", "conditions:list", "shop:treatment-list", "shop:product-list"]

    def location(self, item):
        return reverse(item)


class ConditionSitemap(Sitemap):
    def items(self):
        return Condition.objects.published()

    def lastmod(self, obj):
        return obj.updated_at


class TreatmentSitemap(Sitemap):
    def items(self):
        return Treatment.objects.active()


class ProductSitemap(Sitemap):
    def items(self):
        return Product.objects.active()


SITEMAPS = {
    "pages": StaticSitemap,
    "conditions": ConditionSitemap,
    "treatments": TreatmentSitemap,
    "products": ProductSitemap,
}
