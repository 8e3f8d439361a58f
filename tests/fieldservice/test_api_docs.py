"""The API docs pages are served from this site alone: no font, script or style
is fetched from another host."""

import re

import pytest

pytestmark = pytest.mark.django_db

URL_ATTRIBUTE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.I)
CSS_IMPORT = re.compile(r"""(?:@import|url\()\s*["']?(https?:|//)""", re.I)


@pytest.mark.parametrize("path", ["/api/redoc/", "/api/docs/"])
def test_the_docs_pages_reference_no_other_host(client, dispatcher, path):
    client.force_login(dispatcher)

    response = client.get(path)

    html = response.content.decode()
    assert response.status_code == 200
    external = [
        url
        for url in URL_ATTRIBUTE.findall(html)
        if url.startswith(("http:", "https:", "//"))
    ]
    assert external == []
    assert CSS_IMPORT.search(html) is None
    assert "googleapis" not in html
    assert "gstatic" not in html
