from django.urls import path

from articles.feeds import OrganizationArticlesFeed
from organizations import downloads, views

app_name = "organizations"

# The fixed paths come before `<slug>/` so that no organization slug can hide them.
urlpatterns = [
    path("", views.OrganizationListView.as_view(), name="list"),
    path("events/", views.MembershipEventListView.as_view(), name="events"),
    path("downloads/registry.json", downloads.registry_json_download, name="download_json"),
    path("downloads/<str:table>.csv", downloads.registry_csv_download, name="download_csv"),
    path("instruments/<slug:slug>/", views.InstrumentDetailView.as_view(), name="instrument"),
    path("<slug:slug>/feed.atom", OrganizationArticlesFeed(), name="feed"),
    path("<slug:slug>/", views.OrganizationDetailView.as_view(), name="detail"),
]
