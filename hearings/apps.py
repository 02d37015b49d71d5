from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HearingsConfig(AppConfig):
    name = "hearings"
    verbose_name = _("Public hearings")

    def ready(self) -> None:
        # Registers the hearing event types with realtime.schemas.validate (Event.REGISTRY).
        from . import events  # noqa: F401
