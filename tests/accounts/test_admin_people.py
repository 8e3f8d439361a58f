"""People in the admin: every hand edit of a customer, technician or user is
recorded (field, old → new, who, when), and the dispatchers' group follows the
role on every path that changes it."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from accounts.models import ChangeRecord, Role, User
from accounts.services import (
    DISPATCHER_GROUP,
    dispatcher_access_sync,
    dispatcher_create,
    technician_create,
)
from tests.admin_forms import form_data
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(client, admin_user):
    client.force_login(admin_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.user = admin_user
    return client


def edit(client, path, **changes):
    data = {**form_data(client.get(path)), **changes}
    return client.post(path, data)


def records_of(instance) -> list[tuple]:
    return list(
        ChangeRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(instance),
            object_id=instance.pk,
        )
        .order_by("id")
        .values_list("field", "old_value", "new_value", "changed_by__username")
    )


# --- Change records ------------------------------------------------------------------


def test_a_customer_edited_in_the_admin_records_who_changed_what(desk):
    customer = CustomerFactory(address="解放大道 1 号", phone="13900000001")
    path = f"/admin/accounts/customer/{customer.id}/change/"

    response = edit(desk, path, address="解放大道 9 号", phone="13900000002")

    assert response.status_code == 302
    assert records_of(customer) == [
        ("phone", "+8613900000001", "+8613900000002", "desk"),
        ("address", "解放大道 1 号", "解放大道 9 号", "desk"),
    ]
    record = ChangeRecord.objects.get(field="address")
    assert record.target == customer
    assert record.changed_at is not None
    page = desk.get(path).text
    assert "解放大道 1 号" in page  # the old value, shown in the history
    assert "ChangeRecord" not in page


def test_saving_a_customer_unchanged_records_nothing(desk):
    customer = CustomerFactory()

    edit(desk, f"/admin/accounts/customer/{customer.id}/change/")

    assert records_of(customer) == []


def test_a_technician_edited_in_the_admin_records_profile_and_user_changes(boss):
    profile = technician_create(
        username="zhang",
        password=None,
        first_name="伟",
        last_name="张",
        employee_number="T-001",
        phone="13800000001",
    )
    user = profile.user
    path = f"/admin/accounts/user/{user.id}/change/"

    response = edit(
        boss, path, last_name="章", **{"technician_profile-0-phone": "13800000009"}
    )

    assert response.status_code == 302, form_errors(response)
    assert records_of(user) == [("last_name", "张", "章", "admin")]
    assert records_of(profile) == [
        ("phone", "+8613800000001", "+8613800000009", "admin")
    ]


def test_a_customer_changed_through_the_api_is_recorded_too(api, dispatcher):
    customer = CustomerFactory(name="刘洋")
    api.as_user(dispatcher)

    response = api.patch(
        f"/api/v1/customers/{customer.id}/", {"name": "刘阳"}, format="json"
    )

    assert response.status_code == 200
    assert records_of(customer) == [("name", "刘洋", "刘阳", dispatcher.username)]


def form_errors(response):
    if response.context is None:
        return None
    return [form.errors for form in [response.context["adminform"].form]] + [
        formset.errors for formset in response.context["inline_admin_formsets"]
    ]


# --- The dispatchers' group follows the role -------------------------------------------


def in_group(user) -> bool:
    return user.groups.filter(name=DISPATCHER_GROUP).exists()


def test_a_dispatcher_made_technician_in_the_admin_loses_the_group(boss):
    user = dispatcher_create(username="wang", password=None)
    assert in_group(user)

    response = edit(boss, f"/admin/accounts/user/{user.id}/change/", role="technician")

    assert response.status_code == 302, form_errors(response)
    user.refresh_from_db()
    assert user.role == Role.TECHNICIAN
    assert not in_group(user)


def test_a_user_made_dispatcher_in_the_admin_gets_the_group_and_the_admin(boss):
    user = User.objects.create_user(username="li", role=Role.CUSTOMER)

    response = edit(boss, f"/admin/accounts/user/{user.id}/change/", role="dispatcher")

    assert response.status_code == 302, form_errors(response)
    user.refresh_from_db()
    assert in_group(user)
    assert user.is_staff


def test_ticking_the_group_for_a_technician_does_not_stick(boss):
    user = User.objects.create_user(username="li", role=Role.TECHNICIAN)
    group = Group.objects.get_or_create(name=DISPATCHER_GROUP)[0]

    edit(boss, f"/admin/accounts/user/{user.id}/change/", groups=[str(group.id)])

    assert not in_group(user)


def test_the_sync_revokes_the_group_from_any_path(db):
    user = dispatcher_create(username="wang", password=None)
    user.role = Role.CUSTOMER
    user.save(update_fields=["role"])

    dispatcher_access_sync(user=user)

    assert not in_group(user)
