from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Registry")
    # Readers' pages are built from these tables: writing them moves the content generation.
    reader_content = True

    def ready(self) -> None:
        from organizations import services

        services.announce_orm_writes()
