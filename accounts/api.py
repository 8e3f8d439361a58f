"""HTTP for people: who am I, technicians, customers, and API tokens."""

import django_filters
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.signals import user_logged_in
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.authentication import (
    ExpiringTokenAuthentication,
    api_token_revoke,
    api_token_rotate,
    token_expires_at,
)
from accounts.models import AreaTier, Customer, Language, TechnicianProfile
from accounts.permissions import IsDispatcher, IsDispatcherForWrites
from accounts.policies import can_dispatch
from fieldservice.api import ErrorSerializer
from fieldservice.errors import ApplicationError
from fieldservice.idempotency.api import IdempotentWritesMixin
from fieldservice.phones import to_e164_or_unchanged
from fieldservice.throttling import ScopedRateThrottle

# The entry points, by URL name: for everyone, for the signed in, for dispatchers.
PUBLIC_ENTRY_POINTS = ["auth-token", "auth-session"]
SIGNED_IN_ENTRY_POINTS = ["me", "my-visits", "visit-list"]
DISPATCHER_ENTRY_POINTS = [
    "work-order-list",
    "technician-list",
    "customer-list",
    "call-list",
    "reschedule-request-list",
    "complaint-list",
]


class ApiRootApi(APIView):
    """The API's entry points for the caller: GET /api/v1/ without a token lists
    how to sign in; with one, what the caller's role can reach."""

    permission_classes = [AllowAny]

    @extend_schema_serializer(component_name="ApiRoot")
    class OutputSerializer(serializers.Serializer):
        entry_points = serializers.DictField(
            child=serializers.CharField(),
            help_text="URL name -> absolute URL, e.g. `my-visits`.",
        )
        schema = serializers.CharField(help_text="The OpenAPI schema.")
        docs = serializers.CharField(help_text="The documentation, for people.")

    @extend_schema(
        responses=OutputSerializer,
        summary="List the API's entry points for the caller's role",
        operation_id="api_root",
    )
    def get(self, request):
        names = list(PUBLIC_ENTRY_POINTS)
        if request.user.is_authenticated:
            names += SIGNED_IN_ENTRY_POINTS
        if can_dispatch(request.user):
            names += DISPATCHER_ENTRY_POINTS
        body = {
            "entry_points": {
                name: request.build_absolute_uri(reverse(name)) for name in names
            },
            "schema": request.build_absolute_uri(reverse("schema")),
            "docs": request.build_absolute_uri(reverse("api-docs")),
        }
        return Response(self.OutputSerializer(body).data)


@extend_schema_serializer(component_name="Me")
class MeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="display_name")
    role = serializers.CharField()
    language = serializers.CharField()
    employee_number = serializers.CharField(
        source="technician_profile.employee_number",
        default=None,
        allow_null=True,
        help_text="Null for anyone but a technician.",
    )


class MeApi(APIView):
    OutputSerializer = MeOutputSerializer

    @extend_schema(responses=OutputSerializer)
    def get(self, request):
        return Response(self.OutputSerializer(request.user).data)


class WrongCredentials(ApplicationError):
    status_code = 400
    code = "wrong_credentials"
    default_detail = _("Wrong username or password.")


@extend_schema_serializer(component_name="SignIn")
class SignInInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, style={"input_type": "password"}
    )


def sign_in_authenticate(request, *, username: str, password: str):
    """The user these credentials are for, or 400 `wrong_credentials`. Axes is
    handed the Django request: when the username or the client's address is
    locked out (this failure may be the one that locks it), axes flags it there
    and its middleware answers 429 `locked_out` instead (accounts.lockout)."""
    user = authenticate(request._request, username=username, password=password)
    if user is None:
        raise WrongCredentials()
    return user


def token_signed_in(request, *, user) -> None:
    """What `login` tells the rest of the site, for a token sign-in that starts
    no session: axes clears the user's failures, Django stamps last_login."""
    user_logged_in.send(sender=user.__class__, request=request._request, user=user)


class LoginThrottleMixin:
    """Signing in is throttled per client address (scope `login`); signing out
    must always work."""

    throttle_scope = "login"

    def get_throttles(self):
        return [ScopedRateThrottle()] if self.request.method == "POST" else []


class TokenApi(LoginThrottleMixin, APIView):
    """API tokens (header: `Authorization: Token …`). Signing in replaces the
    user's token; it works API_TOKEN_HOURS, then answers 401 `token_expired`."""

    authentication_classes = [ExpiringTokenAuthentication]

    @extend_schema_serializer(component_name="Token")
    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()
        expires_at = serializers.DateTimeField()

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        request=SignInInputSerializer,
        responses={
            200: OutputSerializer,
            400: ErrorSerializer,
            429: ErrorSerializer,
        },
        summary="Sign in: a new API token (the user's previous one stops working)",
        description="After LOGIN_FAILURE_LIMIT failed sign-ins for a username or "
        "from an address, both sign-in endpoints answer 429 `locked_out` for "
        "LOGIN_COOLOFF_MINUTES (`Retry-After`); too many attempts in a minute "
        "answer 429 `throttled`.",
        operation_id="auth_token_create",
    )
    def post(self, request):
        serializer = SignInInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = sign_in_authenticate(request, **serializer.validated_data)
        token = api_token_rotate(user=user)
        token_signed_in(request, user=user)
        body = {"token": token.key, "expires_at": token_expires_at(token)}
        return Response(self.OutputSerializer(body).data)

    @extend_schema(
        request=None,
        responses={204: None, 401: ErrorSerializer},
        summary="Sign out: the token stops working at once",
        operation_id="auth_token_delete",
    )
    def delete(self, request):
        api_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CsrfCheckedSessionAuthentication(SessionAuthentication):
    """Session authentication that checks the CSRF token on every unsafe
    request, signed in or not: signing in is a write too (login CSRF)."""

    def authenticate(self, request):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            self.enforce_csrf(request)
        return super().authenticate(request)


class CsrfCheckedSessionScheme(OpenApiAuthenticationExtension):
    """The session cookie, with CSRF checked on every write."""

    target_class = CsrfCheckedSessionAuthentication
    name = "sessionCookie"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


CSRF_REFUSED = OpenApiResponse(
    ErrorSerializer,
    description="The CSRF check failed: send the `csrftoken` cookie's value in "
    "`X-CSRFToken` (`permission_denied`).",
)


class SessionApi(LoginThrottleMixin, APIView):
    """Signing in with a session cookie, for the phone app and other pages on this
    site: the cookie is HttpOnly (scripts cannot read it), SameSite=Lax and Secure
    in production; unsafe requests carry the `csrftoken` cookie's value in
    `X-CSRFToken`. API clients elsewhere use `auth/token/` instead."""

    authentication_classes = [CsrfCheckedSessionAuthentication]
    permission_classes = [AllowAny]
    InputSerializer = SignInInputSerializer

    @extend_schema(
        request=InputSerializer,
        responses={
            200: MeOutputSerializer,
            400: ErrorSerializer,
            403: CSRF_REFUSED,
            429: ErrorSerializer,
        },
        summary="Sign in: starts a session (cookie) and answers who you are",
        operation_id="auth_session_create",
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = sign_in_authenticate(request, **serializer.validated_data)
        login(request._request, user)
        return Response(MeOutputSerializer(user).data)

    @extend_schema(
        request=None,
        responses={204: None, 403: CSRF_REFUSED},
        summary="Sign out: ends the session",
        operation_id="auth_session_delete",
    )
    def delete(self, request):
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TechnicianOutputSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="user.id")
    username = serializers.CharField(source="user.username")
    first_name = serializers.CharField(source="user.first_name")
    last_name = serializers.CharField(source="user.last_name")

    class Meta:
        model = TechnicianProfile
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "employee_number",
            "phone",
            "is_active",
        ]


class TechnicianListCreateApi(IdempotentWritesMixin, generics.ListAPIView):
    """Technicians (a technician sees only himself); dispatchers add new ones."""

    permission_classes = [IsDispatcherForWrites]
    serializer_class = TechnicianOutputSerializer

    @extend_schema_serializer(component_name="TechnicianCreate")
    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(
            write_only=True,
            required=False,
            allow_blank=True,
            style={"input_type": "password"},
            help_text="Optional: without one the technician cannot sign in "
            "until a password is set in the admin.",
        )
        first_name = serializers.CharField(max_length=150)
        last_name = serializers.CharField(max_length=150, allow_blank=True)
        employee_number = serializers.CharField(max_length=32)
        phone = serializers.CharField(max_length=20)
        language = serializers.ChoiceField(
            choices=Language.choices, default=Language.CHINESE
        )

    def get_queryset(self):
        return selectors.technicians_visible_to(self.request.user)

    @extend_schema(request=InputSerializer, responses={201: TechnicianOutputSerializer})
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = services.technician_create(**serializer.validated_data)
        return Response(
            TechnicianOutputSerializer(profile).data, status=status.HTTP_201_CREATED
        )


class CustomerOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "phone",
            "address",
            "area_tier",
            "language",
            "created_at",
        ]


@extend_schema_serializer(component_name="CustomerChange")
class CustomerInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=20)
    address = serializers.CharField(max_length=255)
    area_tier = serializers.ChoiceField(choices=AreaTier.choices)
    language = serializers.ChoiceField(
        choices=Language.choices, default=Language.CHINESE
    )


class CustomerFilter(django_filters.FilterSet):
    phone = django_filters.CharFilter(
        method="filter_phone",
        help_text="As people type it (139 0000 0001); matched in E.164.",
    )

    class Meta:
        model = Customer
        fields = ["phone", "area_tier"]

    def filter_phone(self, queryset, name, value):
        return queryset.filter(phone=to_e164_or_unchanged(value))


class CustomerListCreateApi(IdempotentWritesMixin, generics.ListAPIView):
    permission_classes = [IsDispatcher]
    serializer_class = CustomerOutputSerializer
    filterset_class = CustomerFilter

    @extend_schema_serializer(component_name="CustomerCreate")
    class InputSerializer(CustomerInputSerializer):
        username = serializers.CharField(
            max_length=150,
            required=False,
            help_text="Give one to let the customer log in.",
        )
        password = serializers.CharField(
            write_only=True, required=False, style={"input_type": "password"}
        )

    def get_queryset(self):
        return selectors.customers_visible_to(self.request.user)

    @extend_schema(request=InputSerializer, responses={201: CustomerOutputSerializer})
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer = services.customer_create(**serializer.validated_data)
        return Response(
            CustomerOutputSerializer(customer).data, status=status.HTTP_201_CREATED
        )


class CustomerDetailApi(IdempotentWritesMixin, APIView):
    permission_classes = [IsDispatcherForWrites]

    @extend_schema(responses=CustomerOutputSerializer)
    def get(self, request, pk: int):
        customer = get_object_or_404(
            selectors.customers_visible_to(request.user), pk=pk
        )
        return Response(CustomerOutputSerializer(customer).data)

    @extend_schema(request=CustomerInputSerializer, responses=CustomerOutputSerializer)
    def patch(self, request, pk: int):
        customer = get_object_or_404(
            selectors.customers_visible_to(request.user), pk=pk
        )
        serializer = CustomerInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        customer = services.customer_update(
            customer=customer, by=request.user, **serializer.validated_data
        )
        return Response(CustomerOutputSerializer(customer).data)
