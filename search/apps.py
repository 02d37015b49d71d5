from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _register_fold(sender, connection, **kwargs):
    """On SQLite, ``konsulta_fold(text)`` is the Python fold (PostgreSQL has it as SQL)."""
    if connection.vendor == "sqlite":
        from .fold import fold

        connection.connection.create_function("konsulta_fold", 1, fold, deterministic=True)


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        connection_created.connect(_register_fold, dispatch_uid="search.register_fold")
