"""People over the API: tokens, who am I, technicians and customers."""

import pytest
from rest_framework.authtoken.models import Token

from accounts.models import Customer, TechnicianProfile, User
from tests.factories import CustomerFactory, TechnicianProfileFactory

pytestmark = pytest.mark.django_db

NEW_TECHNICIAN = {
    "username": "zhaolei",
    "password": "a-long-password-1",
    "first_name": "磊",
    "last_name": "赵",
    "employee_number": "T20001",
    "phone": "13800001111",
}


def test_a_technician_gets_a_token_and_sees_who_they_are(api, technician):
    token = api.post(
        "/api/v1/auth/token/",
        {"username": technician.username, "password": "secret-pass-1"},
    )
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")

    me = api.get("/api/v1/me/")

    assert token.status_code == 200
    assert me.json() == {
        "id": technician.id,
        "username": technician.username,
        "name": technician.display_name,
        "role": "technician",
        "language": "zh-hans",
        "employee_number": technician.technician_profile.employee_number,
    }


def test_a_wrong_password_gets_a_400_and_no_token(api, technician):
    response = api.post(
        "/api/v1/auth/token/", {"username": technician.username, "password": "wrong"}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "wrong_credentials"
    assert not Token.objects.filter(user=technician).exists()


def test_a_dispatcher_adds_a_technician(api, dispatcher):
    response = api.as_user(dispatcher).post(
        "/api/v1/technicians/", NEW_TECHNICIAN, format="json"
    )

    assert response.status_code == 201
    assert response.json()["employee_number"] == "T20001"
    user = User.objects.get(username="zhaolei")
    assert user.role == "technician"
    assert user.display_name == "赵磊"
    assert user.check_password("a-long-password-1")


def test_a_technician_added_without_a_password_cannot_sign_in_with_one(api, dispatcher):
    without_password = {k: v for k, v in NEW_TECHNICIAN.items() if k != "password"}

    response = api.as_user(dispatcher).post(
        "/api/v1/technicians/", without_password, format="json"
    )

    assert response.status_code == 201
    user = User.objects.get(username="zhaolei")
    assert user.has_usable_password() is False
    assert user.technician_profile.employee_number == "T20001"


def test_a_duplicate_employee_number_is_a_400_and_creates_no_user(api, dispatcher):
    TechnicianProfileFactory(employee_number="T20001")

    response = api.as_user(dispatcher).post(
        "/api/v1/technicians/", NEW_TECHNICIAN, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "employee_number_taken"
    assert "T20001" in response.json()["detail"]
    assert not User.objects.filter(username="zhaolei").exists()
    assert TechnicianProfile.objects.count() == 1


def test_employee_numbers_are_unique_regardless_of_case(api, dispatcher):
    TechnicianProfileFactory(employee_number="T20001")

    response = api.as_user(dispatcher).post(
        "/api/v1/technicians/",
        {**NEW_TECHNICIAN, "employee_number": "t20001"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "employee_number_taken"


def test_a_taken_username_is_a_400(api, dispatcher):
    response = api.as_user(dispatcher).post(
        "/api/v1/technicians/",
        {**NEW_TECHNICIAN, "username": dispatcher.username.upper()},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "username_taken"
    assert TechnicianProfile.objects.count() == 0


def test_a_bad_phone_number_is_a_400_naming_the_field(api, dispatcher):
    response = api.as_user(dispatcher).post(
        "/api/v1/technicians/", {**NEW_TECHNICIAN, "phone": "call me"}, format="json"
    )

    assert response.status_code == 400
    assert "phone" in response.json()["fields"]
    assert not User.objects.filter(username="zhaolei").exists()


def test_a_dispatcher_adds_a_rural_customer_with_a_login(api, dispatcher):
    response = api.as_user(dispatcher).post(
        "/api/v1/customers/",
        {
            "name": "孙立军",
            "phone": "13900000005",
            "address": "黄陂区木兰乡胜天村",
            "area_tier": "rural",
            "username": "sunlijun",
            "password": "a-long-password-2",
        },
        format="json",
    )

    assert response.status_code == 201
    customer = Customer.objects.get()
    assert customer.area_tier == "rural"
    assert customer.user.role == "customer"


def test_an_unknown_area_tier_is_a_400(api, dispatcher):
    response = api.as_user(dispatcher).post(
        "/api/v1/customers/",
        {
            "name": "x",
            "phone": "13900000005",
            "address": "y",
            "area_tier": "suburb",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "area_tier" in response.json()["fields"]
    assert not Customer.objects.exists()


def test_changing_a_customers_address_leaves_existing_work_orders_as_they_were(
    api, dispatcher
):
    from tests.factories import WorkOrderFactory

    customer = CustomerFactory(address="旧地址 1 号")
    order = WorkOrderFactory(customer=customer)

    response = api.as_user(dispatcher).patch(
        f"/api/v1/customers/{customer.id}/", {"address": "新地址 2 号"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["address"] == "新地址 2 号"
    order.refresh_from_db()
    assert order.address == "旧地址 1 号"


def test_a_customer_reads_only_their_own_customer_record(api, customer_user):
    other = CustomerFactory()

    own = api.as_user(customer_user).get(
        f"/api/v1/customers/{customer_user.customer.id}/"
    )
    theirs = api.get(f"/api/v1/customers/{other.id}/")

    assert own.status_code == 200
    assert theirs.status_code == 404


def test_the_openapi_schema_and_docs_are_served(api, technician):
    schema = api.get("/api/schema/")
    docs = api.get("/api/docs/")

    assert schema.status_code == 200
    assert b"/api/v1/visits/{id}/actions/arrive/" in schema.content
    assert docs.status_code == 200


def test_a_user_made_dispatcher_in_the_admin_gets_the_dispatch_desk(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newdesk",
            "password1": "a-long-password-7",
            "password2": "a-long-password-7",
            "role": "dispatcher",
            "language": "zh-hans",
            "technician_profile-TOTAL_FORMS": 0,
            "technician_profile-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="newdesk")
    assert user.is_staff
    assert user.has_perm("visits.change_visit")
    assert not user.has_perm("visits.delete_visit")
