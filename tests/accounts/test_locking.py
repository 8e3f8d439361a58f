"""Two dispatchers editing one customer at the same moment, on PostgreSQL: the
row is locked before its old values are read, so the change history has no
gap (tests/concurrency.py)."""

import pytest

from accounts import services
from accounts.models import ChangeRecord
from tests.concurrency import race
from tests.factories import CustomerFactory, DispatcherFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_seeds"),
]


def test_two_address_changes_at_once_are_both_in_the_history():
    customer = CustomerFactory(address="北京市海淀区1号")
    first, second = DispatcherFactory(), DispatcherFactory()

    outcome = race(
        first=lambda: services.customer_update(
            customer=customer, by=first, address="北京市海淀区2号"
        ),
        second=lambda: services.customer_update(
            customer=customer, by=second, address="北京市海淀区3号"
        ),
    )

    assert (outcome.first.error, outcome.second.error) == (None, None)
    customer.refresh_from_db()
    assert customer.address == "北京市海淀区3号"
    assert list(
        ChangeRecord.objects.filter(object_id=customer.pk, field="address")
        .order_by("id")
        .values_list("old_value", "new_value", "changed_by")
    ) == [
        ("北京市海淀区1号", "北京市海淀区2号", first.pk),
        ("北京市海淀区2号", "北京市海淀区3号", second.pk),
    ]
