from django.urls import path

from . import views

urlpatterns = [
    path("ping", views.ping, name="ping"),
    path("ready", views.ready_calls, name="ready"),
    path("insurees/", views.insurees, name="insurees"),
    path("insurees/<str:number>", views.insuree, name="insuree"),
]
