from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.http import JsonResponse
from openimis_insuree.models import Insuree
from openimis_insuree.views import validate_number
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from . import apps
from .exceptions import ClaimTooLarge
from .models import Claim


@api_view(["GET", "POST"])
def claims(request):
    if request.method == "POST":
        number = str(request.data.get("insuree", ""))
        validate_number(number)  # raises the insuree module's exception, handled by *this* module
        try:
            amount = Decimal(str(request.data.get("amount")))
        except InvalidOperation:
            raise ValidationError({"amount": "must be a number"}) from None
        if amount > settings.CLAIM_MAX_AMOUNT:
            raise ClaimTooLarge(f"amount {amount} is over CLAIM_MAX_AMOUNT={settings.CLAIM_MAX_AMOUNT}")
        insuree = Insuree.objects.filter(number=number).first()
        if insuree is None:
            raise ValidationError({"insuree": f"no insuree {number}"})
        claim = Claim.objects.create(insuree=insuree, amount=amount)
        return Response({"id": claim.id, "status": claim.status}, status=201)
    return Response([{"id": c.id, "insuree": c.insuree.number, "amount": str(c.amount),
                      "status": c.status} for c in Claim.objects.select_related("insuree")])


def ready_calls(request):
    return JsonResponse({"ready_calls": apps.READY_CALLS})
