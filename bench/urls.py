"""kiemsat's URLs plus /bench/trivial/, the page benchmark's reference view."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def trivial(request: HttpRequest) -> HttpResponse:
    """A constant response through the same middleware as every page."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("", include("kiemsat.urls")),
]
