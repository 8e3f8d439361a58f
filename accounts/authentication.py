"""API tokens that expire, and stop working when their technician is inactive."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from accounts.backends import user_is_active


def token_expires_at(token: Token):
    return token.created + timedelta(hours=settings.API_TOKEN_HOURS)


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token …`, valid API_TOKEN_HOURS from sign-in. An expired
    token answers 401 `token_expired`; one of an inactive user or technician,
    401 `user_inactive`."""

    def authenticate_credentials(self, key):
        try:
            token = Token.objects.select_related(
                "user", "user__technician_profile"
            ).get(key=key)
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed(
                _("Invalid token."), code="token_invalid"
            ) from None
        if not token.user.is_active or not user_is_active(token.user):
            raise exceptions.AuthenticationFailed(
                _("This account is inactive."), code="user_inactive"
            )
        if timezone.now() >= token_expires_at(token):
            raise exceptions.AuthenticationFailed(
                _("Your token has expired: sign in again."), code="token_expired"
            )
        return (token.user, token)


@transaction.atomic
def api_token_rotate(*, user) -> Token:
    """A new API token for `user`, replacing the one they had: a sign-in starts
    a fresh API_TOKEN_HOURS, and a token handed out before stops working."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def api_token_revoke(*, user) -> None:
    """Signing out: the user's API token stops working at once."""
    Token.objects.filter(user=user).delete()
