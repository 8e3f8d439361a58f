"""Who may sign in, and whose open sessions still count."""

from django.contrib.auth import backends

from accounts.models import Role


class ModelBackend(backends.ModelBackend):
    """Django's backend, which also turns away a technician whose profile is
    marked inactive: at sign-in (admin, console, API) and on every request of a
    session opened before (Django asks `get_user` each time)."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and user_is_active(user)

    def get_user(self, user_id):
        UserModel = backends.UserModel
        try:
            user = UserModel._default_manager.select_related("technician_profile").get(
                pk=user_id
            )
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def user_is_active(user) -> bool:
    """False for a technician whose profile is marked inactive."""
    if user.role != Role.TECHNICIAN:
        return True
    profile = getattr(user, "technician_profile", None)
    return profile is None or profile.is_active
