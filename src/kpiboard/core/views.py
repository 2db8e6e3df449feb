from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        "<!doctype html><html lang='en'><head><title>kpiboard</title></head>"
        "<body><main><h1>kpiboard</h1><p>Performance management for councils.</p></main>"
        "</body></html>"
    )


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone() or (0,)
    return JsonResponse({"status": "ok" if one == 1 else "error", "database": connection.vendor})
