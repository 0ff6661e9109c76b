from django.conf import settings
from django.http import JsonResponse
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from . import signals
from .exceptions import InvalidInsureeNumber
from .models import Insuree


def validate_number(number: str) -> None:
    if not (number.isdigit() and len(number) == settings.INSUREE_NUMBER_LENGTH):
        raise InvalidInsureeNumber(
            f"insurance number {number!r} must be {settings.INSUREE_NUMBER_LENGTH} digits")


@api_view(["GET", "POST"])
def insurees(request):
    if request.method == "POST":
        number = str(request.data.get("number", ""))
        validate_number(number)
        insuree = Insuree.objects.create(number=number, name=request.data.get("name", ""))
        return Response({"id": insuree.id, "number": insuree.number}, status=201)
    return Response([{"id": i.id, "number": i.number, "name": i.name}
                     for i in Insuree.objects.order_by("id")])


@api_view(["GET"])
def insuree(request, number):
    found = Insuree.objects.filter(number=number).first()
    if found is None:
        raise NotFound(f"no insuree {number}")
    return Response({"id": found.id, "number": found.number, "name": found.name})


def ping(request):
    """A plain Django view, for checking the mount."""
    return JsonResponse({"module": "insuree", "greeting": settings.INSUREE_GREETING})


def ready_calls(request):
    return JsonResponse({"ready_calls": signals.READY_CALLS})
