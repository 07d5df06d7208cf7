"""`/robots.txt` allows every crawler and points at the sitemap, without touching the database."""

import pytest

pytestmark = pytest.mark.django_db


def test_robots_txt_allows_everything_and_names_the_absolute_sitemap_url(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Allow: /",
        "Sitemap: http://testserver/sitemap.xml",
    ]


def test_robots_txt_refuses_posts(client):
    assert client.post("/robots.txt").status_code == 405
