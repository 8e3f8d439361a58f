"""factory_boy factories. They build rows directly; tests of behaviour go
through the services, so that what they check is what users get."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import AreaTier, Customer, Role, TechnicianProfile, User
from visits.models import Visit, VisitKind, WorkOrder


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.CUSTOMER
    password = factory.django.Password("secret-pass-1")


class DispatcherFactory(UserFactory):
    username = factory.Sequence(lambda n: f"dispatcher{n}")
    role = Role.DISPATCHER
    is_staff = True


class TechnicianFactory(UserFactory):
    username = factory.Sequence(lambda n: f"tech{n}")
    role = Role.TECHNICIAN
    profile = factory.RelatedFactory(
        "tests.factories.TechnicianProfileFactory", factory_related_name="user"
    )


class TechnicianProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TechnicianProfile

    user = factory.SubFactory(TechnicianFactory, profile=None)
    employee_number = factory.Sequence(lambda n: f"T{n:05d}")
    phone = factory.Sequence(lambda n: f"1380000{n:04d}")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Faker("name")
    phone = factory.Sequence(lambda n: f"1390000{n:04d}")
    address = factory.Sequence(lambda n: f"{n} Renmin Road, Wuhan")
    area_tier = AreaTier.URBAN


class CustomerUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"customer{n}")
    role = Role.CUSTOMER
    customer = factory.RelatedFactory(CustomerFactory, factory_related_name="user")


class WorkOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkOrder

    number = factory.Sequence(lambda n: f"WO20260101-{n:04d}")
    customer = factory.SubFactory(CustomerFactory)
    kind = VisitKind.REPAIR
    customer_name = factory.SelfAttribute("customer.name")
    customer_phone = factory.SelfAttribute("customer.phone")
    address = factory.SelfAttribute("customer.address")
    area_tier = factory.SelfAttribute("customer.area_tier")
    created_by = factory.SubFactory(DispatcherFactory)


class VisitFactory(factory.django.DjangoModelFactory):
    """A scheduled visit tomorrow. Move it through states with the services."""

    class Meta:
        model = Visit

    work_order = factory.SubFactory(WorkOrderFactory)
    sequence = factory.Sequence(lambda n: n + 1)
    technician = factory.SubFactory(TechnicianFactory)
    appointed_start = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    expected_duration_minutes = 60
    arrival_tolerance_minutes = 10
