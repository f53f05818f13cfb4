from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import District


def district_list(request: HttpRequest) -> HttpResponse:
    return render(request, "districts/district_list.html", {"districts": District.objects.with_quarters()})


def district_detail(request: HttpRequest, slug: str) -> HttpResponse:
    district = get_object_or_404(District.objects.with_quarters(), slug=slug)
    return render(request, "districts/district_detail.html", {"district": district})
