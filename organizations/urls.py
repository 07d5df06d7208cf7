from django.urls import path

from articles.feeds import OrganizationArticlesFeed
from organizations import views

app_name = "organizations"

# The fixed paths come before `<slug>/` so that no organization slug can hide them.
urlpatterns = [
    path("", views.OrganizationListView.as_view(), name="list"),
    path("events/", views.MembershipEventListView.as_view(), name="events"),
    path("instruments/<slug:slug>/", views.InstrumentDetailView.as_view(), name="instrument"),
    path("<slug:slug>/feed.atom", OrganizationArticlesFeed(), name="feed"),
    path("<slug:slug>/", views.OrganizationDetailView.as_view(), name="detail"),
]
