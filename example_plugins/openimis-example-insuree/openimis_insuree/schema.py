import graphene
from django.conf import settings
from graphene_django import DjangoObjectType

from .models import Insuree


class InsureeType(DjangoObjectType):
    class Meta:
        model = Insuree
        fields = ("id", "number", "name")


class Query(graphene.ObjectType):
    insurees = graphene.List(InsureeType)
    insuree = graphene.Field(InsureeType, number=graphene.String(required=True))

    def resolve_insurees(root, info):
        return Insuree.objects.order_by("id")

    def resolve_insuree(root, info, number):
        return Insuree.objects.filter(number=number).first()


class CreateInsuree(graphene.Mutation):
    class Arguments:
        number = graphene.String(required=True)
        name = graphene.String(required=True)

    insuree = graphene.Field(InsureeType)

    def mutate(root, info, number, name):
        if not (number.isdigit() and len(number) == settings.INSUREE_NUMBER_LENGTH):
            raise ValueError(f"insurance number must be {settings.INSUREE_NUMBER_LENGTH} digits")
        return CreateInsuree(insuree=Insuree.objects.create(number=number, name=name))


class Mutation(graphene.ObjectType):
    create_insuree = CreateInsuree.Field()
