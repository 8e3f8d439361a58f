"""The console's pages: dispatchers only, with the admin's login."""

import pytest

from tests.factories import CustomerUserFactory, DispatcherFactory, TechnicianFactory

PAGES = ["/console/", "/console/book/", "/console/queues/", "/console/scorecard/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", [*PAGES, "/console/visits/1/"])
def test_a_console_page_sends_anyone_not_signed_in_to_the_admins_sign_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={path}"


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [TechnicianFactory, CustomerUserFactory])
@pytest.mark.parametrize("path", PAGES)
def test_a_console_page_is_refused_to_anyone_but_a_dispatcher(client, factory, path):
    client.force_login(factory())

    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert "Only a dispatcher can do this." in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_a_console_page_opens_for_a_dispatcher_with_its_csrf_cookie(client, path):
    client.force_login(DispatcherFactory())

    response = client.get(path)

    assert response.status_code == 200
    assert "csrftoken" in response.cookies
    assert 'type="module"' in response.text
    assert 'aria-current="page"' in response.text


@pytest.mark.django_db
def test_a_console_page_answers_only_get(client):
    client.force_login(DispatcherFactory())

    assert client.post("/console/").status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "zh-hans",
            ["当日看板", "预约上门", "待办队列", "服务考评", "管理后台", "退出登录"],
        ),
        (
            "en",
            ["Day board", "Book a visit", "Queues", "Scorecard", "Admin", "Sign out"],
        ),
    ],
)
def test_the_console_frame_is_in_the_pages_language(client, language, words):
    client.force_login(DispatcherFactory())

    response = client.get("/console/queues/", HTTP_ACCEPT_LANGUAGE=language)

    navigation = response.text.split("<nav", 1)[1].split("</form>", 2)
    assert all(word in "".join(navigation) for word in words)
