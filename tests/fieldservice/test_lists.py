"""Lists that stay fast at a million visits (bench/list_bench.py measures them):
the lists that grow with the visits page by cursor, in a total order, without
counting; the others refuse pages deeper than LIST_MAX_OFFSET rows; the admin's
big changelists estimate their size and bound their depth; a phone number is
searched exactly on its E.164 form."""

from datetime import timedelta

import pytest
from django.core.paginator import EmptyPage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fieldservice.admin import EstimatedCountPaginator
from tests.factories import CustomerFactory, VisitFactory, WorkOrderFactory
from visits.calls.models import Call
from visits.complaints.models import Complaint
from visits.lifecycle.admin import VisitAdmin
from visits.lifecycle.models import Visit, WorkOrder

AT = timezone.now().replace(microsecond=0) + timedelta(days=3)


def _counts(queries) -> list[str]:
    return [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]


def _walk(client, url: str) -> tuple[list[int], list]:
    """Every id of a cursor list, following `next`, and the queries it took."""
    ids, queries = [], []
    while url:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, response.json()
        body = response.json()
        assert set(body) == {"next", "previous", "results"}
        ids += [row["id"] for row in body["results"]]
        queries += captured.captured_queries
        url = body["next"]
    return ids, queries


def _same_time_visits(count: int) -> list[Visit]:
    # Equal appointed starts: only the id orders them (the cursor's offset).
    return [
        VisitFactory(appointed_start=AT + timedelta(hours=i // 3)) for i in range(count)
    ]


def test_visits_page_by_cursor_in_a_total_order_without_counting(api, dispatcher):
    visits = _same_time_visits(7)
    expected = [v.id for v in sorted(visits, key=lambda v: (v.appointed_start, v.id))]

    ids, queries = _walk(api.as_user(dispatcher), "/api/v1/visits/?page_size=2")

    assert ids == expected
    assert _counts(queries) == []
    # Total in SQL too, not by the luck of the rows' physical order.
    assert all(
        'ORDER BY "visits_visit"."appointed_start" ASC, "visits_visit"."id" ASC'
        in query["sql"]
        for query in queries
        if query["sql"].startswith('SELECT "visits_visit"."id"')
    )


def test_work_orders_page_by_cursor_newest_first_without_counting(api, dispatcher):
    orders = [WorkOrderFactory() for _ in range(5)]
    WorkOrder.objects.filter(pk__in=[o.pk for o in orders[:3]]).update(created_at=AT)
    orders = list(WorkOrder.objects.all())
    expected = [o.id for o in sorted(orders, key=lambda o: (o.created_at, o.id))][::-1]

    ids, queries = _walk(api.as_user(dispatcher), "/api/v1/work-orders/?page_size=2")

    assert ids == expected
    assert _counts(queries) == []


def test_calls_and_complaints_page_by_cursor_without_counting(api, dispatcher):
    visit = VisitFactory()
    calls = [
        Call.objects.create(
            visit=visit,
            purpose="reminder_day_before",
            due_at=AT - timedelta(hours=i // 2),
            to_phone="+8613800138000",
            language="zh-hans",
        )
        for i in range(5)
    ]
    complaints = [
        Complaint.objects.create(
            visit=visit,
            source="dispatcher",
            opened_at=AT,
            first_response_due_at=AT,
            resolution_due_at=AT,
        )
        for _ in range(3)
    ]
    client = api.as_user(dispatcher)

    call_ids, call_queries = _walk(client, "/api/v1/calls/?page_size=2")
    complaint_ids, complaint_queries = _walk(client, "/api/v1/complaints/?page_size=2")

    assert call_ids == [
        c.id for c in sorted(calls, key=lambda c: (c.due_at, c.id), reverse=True)
    ]
    assert complaint_ids == sorted((c.id for c in complaints), reverse=True)
    assert _counts(call_queries + complaint_queries) == []


def test_a_visit_page_costs_the_same_queries_however_many_rows(
    api, dispatcher, django_assert_num_queries
):
    client = api.as_user(dispatcher)
    _same_time_visits(2)
    client.get("/api/v1/visits/")  # the token's first use is written once

    with django_assert_num_queries(2):  # the token, the page
        client.get("/api/v1/visits/?page_size=2")
    _same_time_visits(6)
    with django_assert_num_queries(2):
        next_url = client.get("/api/v1/visits/?page_size=2").json()["next"]
    with django_assert_num_queries(2):
        client.get(next_url)


def test_a_work_order_page_costs_the_same_queries_however_many_rows(
    api, dispatcher, django_assert_num_queries
):
    client = api.as_user(dispatcher)
    VisitFactory()
    client.get("/api/v1/work-orders/")

    with django_assert_num_queries(3):  # the token, the page, its visits
        client.get("/api/v1/work-orders/")
    for _ in range(4):
        VisitFactory()
    with django_assert_num_queries(3):
        client.get("/api/v1/work-orders/?page_size=2")


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("en", "This cursor is not valid"),
        ("zh-hans", "游标无效"),
    ],
)
def test_a_forged_cursor_is_a_clear_400(api, dispatcher, language, detail):
    forged = "bz14"  # "o=x": an offset that is no number
    response = api.as_user(dispatcher).get(
        f"/api/v1/visits/?cursor={forged}", HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"
    assert detail in response.json()["detail"]


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("en", "pages reach only the first 4 rows"),
        ("zh-hans", "只能翻到前 4 条"),
    ],
)
def test_a_page_past_the_bound_is_a_clear_400(
    api, dispatcher, settings, language, detail
):
    settings.LIST_MAX_OFFSET = 4
    for _ in range(7):
        CustomerFactory()
    client = api.as_user(dispatcher)

    deepest = client.get("/api/v1/customers/?page_size=2&page=2")
    too_deep = client.get(
        "/api/v1/customers/?page_size=2&page=3", HTTP_ACCEPT_LANGUAGE=language
    )
    last = client.get("/api/v1/customers/?page_size=2&page=last")

    assert deepest.status_code == 200
    assert deepest.json()["count"] == 7
    assert too_deep.status_code == 400
    assert too_deep.json()["code"] == "page_too_deep"
    assert detail in too_deep.json()["detail"]
    assert last.status_code == 400


# --- The admin ------------------------------------------------------------------


def test_admin_pages_reach_only_the_bound(settings, is_postgres):
    settings.LIST_MAX_OFFSET = 4
    for _ in range(7):
        VisitFactory()

    paginator = EstimatedCountPaginator(Visit.objects.order_by("id"), per_page=2)

    if is_postgres:  # counted up to the bound and one more
        assert (paginator.count, paginator.is_more_than_bound) == (5, True)
    else:
        assert (paginator.count, paginator.is_more_than_bound) == (7, False)
    assert paginator.num_pages == 2
    assert len(paginator.page(2).object_list) == 2
    with pytest.raises(EmptyPage):
        paginator.page(3)


def test_an_admin_page_past_the_bound_sends_back_to_the_list(
    db, desk, settings, monkeypatch
):
    settings.LIST_MAX_OFFSET = 4
    monkeypatch.setattr(VisitAdmin, "list_per_page", 2)
    for _ in range(7):
        VisitFactory()

    deepest = desk.get("/admin/visits/visit/?p=2")
    too_deep = desk.get("/admin/visits/visit/?p=3")

    assert deepest.status_code == 200
    assert too_deep.status_code == 302
    assert too_deep["Location"].endswith("?e=1")


@pytest.mark.postgres
def test_the_admin_visit_list_estimates_its_size_without_counting(db, desk, settings):
    settings.ADMIN_ESTIMATED_COUNT_FROM = 3
    settings.LIST_MAX_OFFSET = 2
    for _ in range(4):
        VisitFactory()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE visits_visit")

    with CaptureQueriesContext(connection) as unfiltered:
        response = desk.get("/admin/visits/visit/")
    with CaptureQueriesContext(connection) as filtered:
        narrowed = desk.get("/admin/visits/visit/?state__exact=scheduled")

    assert response.status_code == 200
    assert response.context["cl"].result_count == 4  # ANALYZE read every row
    assert "about 4 visits" in response.text
    assert "more than 2 visits" in narrowed.text
    assert _counts(unfiltered.captured_queries) == []
    # Filtered, it counts: what it counts is bounded (LIMIT).
    assert [("LIMIT" in sql) for sql in _counts(filtered.captured_queries)] == [True]


# --- Search by phone ------------------------------------------------------------

TYPED = ["+86 139 1234 5678", "139-1234-5678", "13912345678", "(139) 1234 5678"]


@pytest.fixture
def wang(db):
    """A customer with her visit, and a neighbour whose number differs in its
    last digit."""
    wang = CustomerFactory(name="Wang", phone="13912345678")
    VisitFactory(work_order__customer=wang)
    neighbour = CustomerFactory(name="Li", phone="13912345679")
    VisitFactory(work_order__customer=neighbour)
    return wang


def _no_scan(queries) -> bool:
    return not any("LIKE" in query["sql"].upper() for query in queries)


@pytest.mark.parametrize("typed", TYPED)
def test_the_admin_finds_a_phone_as_typed_exactly(db, desk, wang, typed):
    with CaptureQueriesContext(connection) as captured:
        visits = desk.get("/admin/visits/visit/", {"q": typed})
        orders = desk.get("/admin/visits/workorder/", {"q": typed})
        customers = desk.get("/admin/accounts/customer/", {"q": typed})

    assert [v.work_order.customer for v in visits.context["cl"].result_list] == [wang]
    assert [o.customer for o in orders.context["cl"].result_list] == [wang]
    assert list(customers.context["cl"].result_list) == [wang]
    assert _no_scan(captured.captured_queries)


def test_the_admin_finds_work_orders_of_a_customer_whose_phone_changed(db, desk, wang):
    order = WorkOrder.objects.get(customer=wang)
    wang.phone = "+8613700000001"
    wang.save(update_fields=["phone"])

    by_old = desk.get("/admin/visits/workorder/", {"q": "139 1234 5678"})
    by_new = desk.get("/admin/visits/workorder/", {"q": "137 0000 0001"})

    assert list(by_old.context["cl"].result_list) == [order]
    assert list(by_new.context["cl"].result_list) == [order]


def test_the_admin_still_finds_by_the_start_of_a_name_or_number(db, desk, wang):
    order = WorkOrder.objects.get(customer=wang)

    by_name = desk.get("/admin/visits/workorder/", {"q": "wan"})
    by_number = desk.get("/admin/visits/workorder/", {"q": order.number[:8]})

    assert list(by_name.context["cl"].result_list) == [order]
    assert order in by_number.context["cl"].result_list


@pytest.mark.parametrize("typed", TYPED)
def test_the_api_finds_a_phone_as_typed_exactly(api, dispatcher, wang, typed):
    client = api.as_user(dispatcher)

    with CaptureQueriesContext(connection) as captured:
        booking = client.get("/api/v1/console/customers/", {"q": typed})
        customers = client.get("/api/v1/customers/", {"phone": typed})
        orders = client.get("/api/v1/work-orders/", {"customer_phone": typed})

    assert [row["id"] for row in booking.json()["results"]] == [wang.id]
    assert [row["id"] for row in customers.json()["results"]] == [wang.id]
    assert [row["customer"] for row in orders.json()["results"]] == [wang.id]
    assert _no_scan(captured.captured_queries)


def test_filtering_visits_by_state_reads_the_index_order_without_distinct(
    api, dispatcher
):
    VisitFactory()
    client = api.as_user(dispatcher)

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/visits/?state=scheduled&state=closed")

    assert len(response.json()["results"]) == 1
    assert not any("DISTINCT" in query["sql"] for query in captured.captured_queries)
