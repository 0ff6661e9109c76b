from decimal import Decimal

import graphene
from graphene_django import DjangoObjectType
from openimis_insuree.models import Insuree

from .models import Claim


class ClaimStatus(graphene.Enum):
    OPEN = "open"
    CLOSED = "closed"


class ClaimType(DjangoObjectType):
    class Meta:
        model = Claim
        fields = ("id", "insuree", "amount", "status")


class Query(graphene.ObjectType):
    claims = graphene.List(ClaimType, status=graphene.String())

    def resolve_claims(root, info, status=None):
        found = Claim.objects.select_related("insuree").order_by("id")
        return found.filter(status=status) if status else found


class SubmitClaim(graphene.Mutation):
    class Arguments:
        insuree = graphene.String(required=True)
        amount = graphene.Float(required=True)

    claim = graphene.Field(ClaimType)

    def mutate(root, info, insuree, amount):
        owner = Insuree.objects.get(number=insuree)
        return SubmitClaim(claim=Claim.objects.create(insuree=owner, amount=Decimal(str(amount))))


class Mutation(graphene.ObjectType):
    submit_claim = SubmitClaim.Field()
