"""The bare DRF view of ``bench.gateway_app.bare_settings`` and its WSGI/ASGI applications."""

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView


class BareView(APIView):
    """A plain DRF view: DRF's own dispatch, negotiation and JSON rendering, nothing else."""

    def get(self, request):
        return Response({"object": "bare", "ok": True, "items": [1, 2, 3]})


urlpatterns = [path("bare", BareView.as_view())]
