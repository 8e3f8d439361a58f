"""The Idempotency-Key header on DRF views (see services.py for the rules)."""

from rest_framework.response import Response

from fieldservice.idempotency.services import (
    HEADER,
    KEPT_HEADERS,
    REPLAYED_HEADER,
    WRITE_METHODS,
    Outcome,
    check_key,
    fingerprint,
    run_once,
)


class IdempotentWritesMixin:
    """For APIViews: honours Idempotency-Key on POST, PUT, PATCH and DELETE."""

    def initial(self, request, *args, **kwargs):
        """After authentication and permission checks, wraps the method's handler."""
        super().initial(request, *args, **kwargs)
        key = request.headers.get(HEADER)
        if request.method in WRITE_METHODS and key is not None:
            method = request.method.lower()
            handler = getattr(self, method, self.http_method_not_allowed)
            setattr(self, method, self._run_once(handler, check_key(key)))

    def _run_once(self, handler, key: str):
        def handle(request, *args, **kwargs):
            request_fingerprint = fingerprint(
                request.method, request.path, request.data
            )

            def call() -> Outcome:
                try:
                    response = handler(request, *args, **kwargs)
                except Exception as error:  # turned into a response, as DRF would
                    response = self.handle_exception(error)
                headers = {
                    name: response[name] for name in KEPT_HEADERS if name in response
                }
                return Outcome(response.status_code, response.data, headers, False)

            outcome = run_once(
                user=request.user,
                key=key,
                request_fingerprint=request_fingerprint,
                call=call,
            )
            headers = dict(outcome.headers)
            if outcome.is_replay:
                headers[REPLAYED_HEADER] = "true"
            return Response(outcome.body, status=outcome.status_code, headers=headers)

        return handle
