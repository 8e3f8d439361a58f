"""API views that answer a file (a PDF, a photo, a CSV) rather than JSON.

Their file is a Django response that no DRF renderer touches, so the client's
`Accept` header must not refuse it: an API client asking for exactly the type
served (`Accept: application/pdf`) would otherwise get 406 from DRF's
negotiation against the JSON renderers. Their refusals (401, 403, 404, 409 …)
are JSON in the one error shape, whatever the client asked for.
"""

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView


class FileDownloadNegotiation(DefaultContentNegotiation):
    """Always the first renderer (JSON), used only for refusals."""

    def select_renderer(self, request, renderers, format_suffix=None):
        renderer = renderers[0]
        return renderer, renderer.media_type


# The base of every API view whose success is a file. (No docstring: the API
# description would take it as the description of each such view.)
class FileDownloadApi(APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FileDownloadNegotiation
