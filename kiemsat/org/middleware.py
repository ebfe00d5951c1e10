"""Turns a refused action of an ended unit into a page that says so."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kiemsat.org.lifecycle import UnitEnded

# The request is understood and allowed, but the unit's state forbids it.
ENDED_STATUS = 409


class UnitEndedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, UnitEnded):
            return None
        return render(request, "org/unit_ended.html", {"refusal": exception}, status=ENDED_STATUS)
