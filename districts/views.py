from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import District


def district_list(request: HttpRequest) -> HttpResponse:
    return render(request, "districts/district_list.html", {"districts": District.objects.with_quarters()})
