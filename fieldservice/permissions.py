from rest_framework.permissions import BasePermission


class IsDispatcher(BasePermission):
    message = "Only a dispatcher can do this."

    def has_permission(self, request, view) -> bool:
        return bool(
            request.user
            and request.user.is_authenticated
            and request.user.is_dispatcher
        )


class IsDispatcherForWrites(IsDispatcher):
    """Everyone signed in may read (the queryset decides what); dispatchers write."""

    def has_permission(self, request, view) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return bool(request.user and request.user.is_authenticated)
        return super().has_permission(request, view)
