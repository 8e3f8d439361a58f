import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fieldservice.phones import PhoneNumberField

# The hotline is spoken, not dialled (short codes such as 10000 are fine);
# numbers we dial or show to dial are PhoneNumberFields (E.164).
phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 -]{4,19}$",
    _("Enter a phone number: digits, spaces or dashes, optionally starting with +."),
)


def validate_time_zone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not a time zone."), params={"value": value}
        )


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    DISPATCHER = "dispatcher", _("Dispatcher")
    TECHNICIAN = "technician", _("Technician")
    CUSTOMER = "customer", _("Customer")


class Language(models.TextChoices):
    CHINESE = "zh-hans", _("Simplified Chinese")
    ENGLISH = "en", _("English")


class FieldServiceUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """Everyone who logs in. The role decides what they see and may do."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    phone = PhoneNumberField(_("phone"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.CHINESE
    )

    objects = FieldServiceUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            )
        ]

    @property
    def is_dispatcher(self) -> bool:
        return self.role in (Role.DISPATCHER, Role.ADMIN) or self.is_superuser

    @property
    def is_technician(self) -> bool:
        return self.role == Role.TECHNICIAN

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    @property
    def display_name(self) -> str:
        """The name as people write it: family name first and unspaced in Chinese
        (张伟), given name first otherwise (Emily Carter)."""
        first, last = self.first_name.strip(), self.last_name.strip()
        if (first + last) and not (first + last).isascii():
            return f"{last}{first}"
        return " ".join(part for part in (first, last) if part) or self.username

    def __str__(self) -> str:
        return self.display_name


class Team(models.Model):
    """A group of technicians under one supervisor, as the scorecard compares them."""

    name = models.CharField(
        _("name"),
        max_length=100,
        unique=True,
        error_messages={"unique": _("A team with this name already exists.")},
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TechnicianProfile(models.Model):
    """What the service card shows about the technician (工号, contact phone)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="technician_profile",
        verbose_name=_("user"),
    )
    employee_number = models.CharField(
        _("employee number"),
        max_length=32,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Za-z0-9-]+$", _("Use letters, digits and dashes."))
        ],
        error_messages={
            "unique": _("A technician with this employee number already exists.")
        },
    )
    phone = PhoneNumberField(_("contact phone"))
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive technicians cannot be booked.")
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="technicians",
        verbose_name=_("team"),
    )

    class Meta:
        verbose_name = _("technician profile")
        verbose_name_plural = _("technician profiles")
        ordering = ["employee_number"]

    def __str__(self) -> str:
        return f"{self.user} ({self.employee_number})"


class AreaTier(models.TextChoices):
    """Decides the shoe-cover rule (docs/rules.md#shoe-covers)."""

    URBAN = "urban", _("County, city or district and above")
    RURAL = "rural", _("Township or rural")


class Customer(models.Model):
    """A household the company serves. An account to log in with is optional."""

    name = models.CharField(_("name"), max_length=100)
    phone = PhoneNumberField(_("phone"), db_index=True)
    address = models.CharField(_("address"), max_length=255)
    area_tier = models.CharField(_("area tier"), max_length=8, choices=AreaTier.choices)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.CHINESE
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=50,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("For calls, e.g. Asia/Urumqi. Empty: the company's time zone."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customer",
        verbose_name=_("login"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name", "id"], name="customer_list_order"),
            models.Index(
                fields=["area_tier", "name", "id"], name="customer_tier_list_order"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(area_tier__in=AreaTier.values),
                name="customer_area_tier_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.phone})"


class CompanySettings(models.Model):
    """The one row of company-wide settings, editable by an administrator.

    Its defaults come from the environment (COMPANY_NAME, CUSTOMER_SERVICE_HOTLINE,
    ARRIVAL_TOLERANCE_MINUTES) the first time it is read.
    """

    SINGLETON_ID = 1

    company_name = models.CharField(_("company name"), max_length=100)
    customer_service_hotline = models.CharField(
        _("customer-service hotline"), max_length=20, validators=[phone_validator]
    )
    arrival_tolerance_minutes = models.PositiveSmallIntegerField(
        _("arrival tolerance (minutes)"),
        help_text=_(
            "How far arrival may be from the appointed time. Copied onto each visit."
        ),
    )

    class Meta:
        verbose_name = _("company settings")
        verbose_name_plural = _("company settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=1), name="company_settings_singleton"
            ),
            models.CheckConstraint(
                condition=models.Q(arrival_tolerance_minutes__lte=120),
                name="company_settings_tolerance_at_most_two_hours",
            ),
        ]

    def __str__(self) -> str:
        return str(self.company_name)

    @classmethod
    def load(cls) -> "CompanySettings":
        instance, _created = cls.objects.get_or_create(
            id=cls.SINGLETON_ID,
            defaults={
                "company_name": settings.COMPANY_NAME,
                "customer_service_hotline": settings.CUSTOMER_SERVICE_HOTLINE,
                "arrival_tolerance_minutes": settings.ARRIVAL_TOLERANCE_MINUTES,
            },
        )
        return instance


class ChangeRecord(models.Model):
    """One field of a person's details changed by hand (a customer, a technician,
    a user): what it was, what it became, who changed it and when. Written by
    the services and the admin; never changed."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    target = GenericForeignKey("content_type", "object_id")
    field = models.CharField(_("field"), max_length=100)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"
