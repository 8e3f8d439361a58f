"""DRF permission classes: the HTTP gate in front of accounts.policies."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.policies import DISPATCHERS_ONLY, can_dispatch


class IsDispatcher(BasePermission):
    message = DISPATCHERS_ONLY

    def has_permission(self, request, view) -> bool:
        return can_dispatch(request.user)


class IsDispatcherForWrites(IsDispatcher):
    """Everyone signed in may read (the queryset decides what); dispatchers write."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return bool(request.user and request.user.is_authenticated)
        return super().has_permission(request, view)
