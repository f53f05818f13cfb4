from django.conf import settings


def site(request):
    return {"SITE_NAME": "Bezirkswerkstätten Hannover", "SITE_URL": settings.SITE_URL}
