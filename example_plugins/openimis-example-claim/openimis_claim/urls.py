from django.urls import path

from . import views

urlpatterns = [
    path("claims/", views.claims, name="claims"),
    path("ready", views.ready_calls, name="ready"),
]
