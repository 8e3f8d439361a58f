"""Write paths for people: one function per use case, each in a transaction."""

from datetime import datetime

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    ChangeRecord,
    Customer,
    Language,
    Role,
    TechnicianProfile,
    User,
)
from fieldservice.errors import InvalidInput

DISPATCHER_GROUP = "dispatchers"
# What a dispatcher may touch in the admin. Visits change state only through
# services, so no role gets "delete" on work orders, visits or their events.
DISPATCHER_PERMISSIONS = {
    "accounts": [
        "view_user",
        "view_technicianprofile",
        "add_customer",
        "change_customer",
        "view_customer",
        "view_companysettings",
        "view_changerecord",
        "view_team",
    ],
    "visits": [
        "add_workorder",
        "change_workorder",
        "view_workorder",
        "add_visit",
        "change_visit",
        "view_visit",
        "view_visitevent",
        "view_temporaryleave",
        "view_visitchecklistitem",
        "view_photo",
        "view_signoff",
        "view_conductconfirmation",
        "view_call",
        "view_reschedulerequest",
        "change_reschedulerequest",
        "view_complaint",
        "change_complaint",
        "view_holiday",
        "add_holiday",
        "change_holiday",
        "view_promotion",
        "add_promotion",
        "change_promotion",
        "view_servicereview",
    ],
}


def dispatcher_group_ensure() -> Group:
    """Creates or repairs the admin permission group dispatchers belong to."""
    group, _created = Group.objects.get_or_create(name=DISPATCHER_GROUP)
    wanted = Permission.objects.none()
    for app_label, codenames in DISPATCHER_PERMISSIONS.items():
        wanted = wanted | Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
    group.permissions.set(wanted)
    return group


def _user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    language: str = Language.CHINESE,
) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(
            _("The username %(username)s is taken.") % {"username": username},
            code="username_taken",
        )
    user = User(
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        language=language,
        is_staff=role in (Role.DISPATCHER, Role.ADMIN),
        is_superuser=role == Role.ADMIN,
    )
    if password:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from error
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def dispatcher_create(
    *,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
) -> User:
    user = _user_create(
        username=username,
        password=password,
        role=Role.DISPATCHER,
        first_name=first_name,
        last_name=last_name,
        phone=phone,
    )
    dispatcher_access_sync(user=user)
    return user


DISPATCHING_ROLES = (Role.DISPATCHER, Role.ADMIN)


@transaction.atomic
def dispatcher_access_sync(*, user: User) -> None:
    """Makes the dispatchers' group follow the role: a dispatcher (or an
    administrator) gets the admin site and the group's permissions; anyone else
    loses the group. Call it after every change of a user's role or groups."""
    if user.role in DISPATCHING_ROLES:
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(dispatcher_group_ensure())
    else:
        user.groups.remove(*Group.objects.filter(name=DISPATCHER_GROUP))


def _employee_number_taken(number: str) -> InvalidInput:
    return InvalidInput(
        _("A technician with employee number %(number)s already exists.")
        % {"number": number},
        code="employee_number_taken",
    )


@transaction.atomic
def technician_create(
    *,
    username: str,
    password: str | None = None,
    first_name: str,
    last_name: str,
    employee_number: str,
    phone: str,
    language: str = Language.CHINESE,
) -> TechnicianProfile:
    if TechnicianProfile.objects.filter(
        employee_number__iexact=employee_number
    ).exists():
        raise _employee_number_taken(employee_number)
    user = _user_create(
        username=username,
        password=password,
        role=Role.TECHNICIAN,
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        language=language,
    )
    profile = TechnicianProfile(user=user, employee_number=employee_number, phone=phone)
    profile.full_clean(exclude=["user"])
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as error:  # a concurrent create won the race
        raise _employee_number_taken(employee_number) from error
    return profile


@transaction.atomic
def customer_create(
    *,
    name: str,
    phone: str,
    address: str,
    area_tier: str,
    language: str = Language.CHINESE,
    username: str | None = None,
    password: str | None = None,
) -> Customer:
    """Creates a customer; with a username, also the login they use to see their orders."""
    user = None
    if username:
        user = _user_create(
            username=username,
            password=password,
            role=Role.CUSTOMER,
            first_name=name,
            phone=phone,
            language=language,
        )
    customer = Customer(
        name=name,
        phone=phone,
        address=address,
        area_tier=area_tier,
        language=language,
        user=user,
    )
    customer.full_clean()
    customer.save()
    return customer


# Never written to the change record: secrets and what the system stamps.
UNRECORDED_FIELDS = frozenset({"password", "last_login"})


def recorded_values(instance: models.Model) -> dict[str, str]:
    """A row's fields as the change record writes them: text, a related row
    by its name and id, empty for none."""
    values = {}
    for field in instance._meta.concrete_fields:
        if field.name in UNRECORDED_FIELDS or field.primary_key:
            continue
        if field.is_relation:
            related = getattr(instance, field.name)
            values[field.name] = "" if related is None else f"{related} (#{related.pk})"
        else:
            values[field.name] = _recorded_text(getattr(instance, field.attname))
    return values


def _recorded_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        # To the second, in the company's zone: a form that drops microseconds
        # changes nothing a person would notice.
        return timezone.localtime(value).replace(microsecond=0).isoformat()
    return str(value)


def change_records_write(
    *, instance: models.Model, before: dict[str, str], by: User | None
) -> list[ChangeRecord]:
    """Records each field of `instance` that differs from `before` (from
    `recorded_values` taken before the change)."""
    after = recorded_values(instance)
    content_type = ContentType.objects.get_for_model(instance)
    return ChangeRecord.objects.bulk_create(
        ChangeRecord(
            content_type=content_type,
            object_id=instance.pk,
            field=name,
            old_value=before.get(name, ""),
            new_value=value,
            changed_by=by,
        )
        for name, value in after.items()
        if before.get(name, "") != value
    )


@transaction.atomic
def customer_update(
    *, customer: Customer, by: User | None = None, **fields
) -> Customer:
    """Changes a customer's details. Work orders keep the address they were made with."""
    allowed = {"name", "phone", "address", "area_tier", "language"}
    unknown = set(fields) - allowed
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    before = recorded_values(customer)
    for name, value in fields.items():
        setattr(customer, name, value)
    customer.full_clean()
    customer.save(update_fields=list(fields))
    change_records_write(instance=customer, before=before, by=by)
    return customer
