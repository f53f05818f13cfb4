from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from districts.models import District


def home(request: HttpRequest) -> HttpResponse:
    """The home page shows several apps, so it lives in the highest app it needs."""
    return render(request, "recommendations/home.html", {"districts": District.objects.all()})
