"""The review desk's URLs, mounted at /admin/review/ before the admin's own."""

from django.contrib import admin
from django.urls import path

from review import views as review

app_name = "review"

urlpatterns = [
    path("", admin.site.admin_view(review.queue), name="queue"),
    path("mine/", admin.site.admin_view(review.mine), name="mine"),
    path("<int:translation_id>/", admin.site.admin_view(review.detail), name="detail"),
]
