"""Phone numbers as people type them are kept and dialled in E.164
(fieldservice.phones, PHONE_DEFAULT_REGION); invalid ones are refused with a
400 naming the field, in English and Chinese, leaving nothing behind."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import Customer, TechnicianProfile, User
from fieldservice.phones import to_e164
from tests import twilio_fake
from tests.factories import CustomerFactory
from tests.visits.checklists.checklist_helpers import book
from visits.calls import services as calls
from visits.models import Call

pytestmark = pytest.mark.django_db

TYPED = ["13900000001", "139 0000 0001", "+86 139 0000 0001", "+86-139-0000-0001"]
INVALID = ["12345", "call me", "+86 139", "1390000000", "+1 555 0100", "139-0000-00011"]


@pytest.mark.parametrize("typed", TYPED)
def test_a_number_as_people_type_it_becomes_e164(typed):
    assert to_e164(typed) == "+8613900000001"


@pytest.mark.parametrize("typed", INVALID)
def test_what_is_not_a_phone_number_is_refused(typed):
    with pytest.raises(ValidationError) as refused:
        to_e164(typed)

    assert refused.value.code == "invalid_phone"


def test_numbers_without_a_country_code_are_read_in_the_default_region(settings):
    settings.PHONE_DEFAULT_REGION = "US"

    assert to_e164("(202) 555-0123") == "+12025550123"
    assert to_e164("+86 139 0000 0001") == "+8613900000001"


NEW_CUSTOMER = {
    "name": "孙立军",
    "address": "1 Renmin Road",
    "area_tier": "urban",
    "language": "zh-hans",
}


@pytest.mark.parametrize("typed", TYPED)
def test_a_customer_created_over_the_api_is_stored_in_e164(api, dispatcher, typed):
    response = api.as_user(dispatcher).post(
        "/api/v1/customers/", {**NEW_CUSTOMER, "phone": typed}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["phone"] == "+8613900000001"
    assert Customer.objects.get().phone == "+8613900000001"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "12345 is not a valid phone number."),
        ("zh-hans", "12345 不是有效的电话号码。"),
    ],
)
def test_an_invalid_customer_number_is_a_400_in_the_callers_language(
    api, dispatcher, language, message
):
    response = api.as_user(dispatcher).post(
        "/api/v1/customers/",
        {**NEW_CUSTOMER, "phone": "12345", "username": "sun"},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 400
    assert message in str(response.json()["fields"]["phone"])
    assert not Customer.objects.exists()
    assert not User.objects.filter(username="sun").exists()


def test_changing_a_customers_number_stores_it_in_e164(api, dispatcher):
    customer = CustomerFactory()

    response = api.as_user(dispatcher).patch(
        f"/api/v1/customers/{customer.pk}/",
        {"phone": "+86 138 0000 2222"},
        format="json",
    )
    refused = api.as_user(dispatcher).patch(
        f"/api/v1/customers/{customer.pk}/", {"phone": "555"}, format="json"
    )

    assert response.status_code == 200
    assert refused.status_code == 400
    customer.refresh_from_db()
    assert customer.phone == "+8613800002222"


def test_a_technicians_contact_phone_is_stored_in_e164(api, dispatcher):
    response = api.as_user(dispatcher).post(
        "/api/v1/technicians/",
        {
            "username": "zhaolei",
            "password": "a-long-password-1",
            "first_name": "磊",
            "last_name": "赵",
            "employee_number": "T20001",
            "phone": "138 0000 1111",
        },
        format="json",
    )

    assert response.status_code == 201
    assert TechnicianProfile.objects.get().phone == "+8613800001111"
    assert User.objects.get(username="zhaolei").phone == "+8613800001111"


def test_the_admin_stores_a_typed_number_in_e164_and_refuses_a_bad_one(
    client, django_user_model
):
    admin_user = django_user_model.objects.create_superuser("boss", password="pw-1")
    client.force_login(admin_user)
    form = {
        **NEW_CUSTOMER,
        "time_zone": "",
        "user": "",
    }

    added = client.post(
        "/admin/accounts/customer/add/", {**form, "phone": "+86-139-0000-0001"}
    )
    refused = client.post(
        "/admin/accounts/customer/add/",
        {**form, "name": "Other", "phone": "12345"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert added.status_code == 302
    assert refused.status_code == 200
    assert "12345 is not a valid phone number." in refused.content.decode()
    assert list(Customer.objects.values_list("phone", flat=True)) == ["+8613900000001"]


# --- Dialling -----------------------------------------------------------------


@pytest.fixture
def twilio(settings, monkeypatch):
    http = twilio_fake.FakeTwilioHttp()
    settings.CALL_PROVIDER = "twilio"
    settings.CALL_QUIET_HOURS = "00:00-00:00"  # rings at any hour the suite runs
    monkeypatch.setattr("visits.calls.providers.twilio_http", lambda: http)
    return http


def queued_reminder(technician) -> Call:
    visit = book(technician, minutes_ahead=3 * 24 * 60)
    call = Call.objects.get(visit=visit, purpose="reminder_before_arrival")
    Call.objects.filter(pk=call.pk).update(state="queued", claimed_at=timezone.now())
    return call


def test_twilio_is_handed_the_number_in_e164(technician, twilio):
    twilio.replies.append(twilio_fake.created())
    call = queued_reminder(technician)
    # a row written before numbers were kept in E.164
    Call.objects.filter(pk=call.pk).update(to_phone="139 0000 0001")

    calls.call_place(call_id=call.pk)

    [request] = twilio.requests
    assert request["data"]["To"] == "+8613900000001"


def test_a_number_that_cannot_be_dialled_fails_the_call_without_ringing(
    technician, twilio
):
    call = queued_reminder(technician)
    Call.objects.filter(pk=call.pk).update(to_phone="12345")

    result = calls.call_place(call_id=call.pk)

    assert result.state == "failed"
    assert "not a valid phone number" in result.last_error
    assert twilio.requests == []


# --- The migration ---------------------------------------------------------------

BEFORE = [("accounts", "0004_idempotencyrecord_moved")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_rewrites_stored_numbers_and_reports_the_rest(capsys):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE[0]).apps.get_model(
        "accounts", "Customer"
    )
    typed = old.objects.create(
        name="A", phone="139 0000 0001", address="x", area_tier="urban"
    )
    foreign = old.objects.create(
        name="B", phone="+44 20 7946 0018", address="x", area_tier="urban"
    )
    broken = old.objects.create(name="C", phone="12-34", address="x", area_tier="urban")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    phones = dict(Customer.objects.values_list("pk", "phone"))
    assert phones == {
        typed.pk: "+8613900000001",
        foreign.pk: "+442079460018",
        broken.pk: "12-34",
    }
    assert f"Customer {broken.pk}: '12-34'" in capsys.readouterr().out


@pytest.mark.parametrize("typed", TYPED)
def test_customers_are_found_by_their_number_as_typed(api, dispatcher, typed):
    wanted = CustomerFactory(phone="13900000001")
    CustomerFactory(phone="13900000002")

    response = api.as_user(dispatcher).get("/api/v1/customers/", {"phone": typed})

    assert [row["id"] for row in response.json()["results"]] == [wanted.pk]
