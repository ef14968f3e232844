"""The site's URLs plus one view that fails as if the database were gone, for the 500 page's
test (issue 18 item 6)."""

from django.db import OperationalError
from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as site_urlpatterns

__all__ = ["handler500", "urlpatterns"]


def database_gone(request):
    raise OperationalError("could not connect to server: Connection refused")


urlpatterns = [path("boom/", database_gone), *site_urlpatterns]
