"""``python manage.py seed_bench --submissions N``: one large open consultation, fast.

For the benchmarks (``bench/run.py``, ``make bench``) and for trying the site at scale: an open
consultation ``bench-open-<N>`` (or ``--slug``) with N submissions and, in proportion, about N/4
people with their participant numbers, comments with replies on the articles, reactions, votes,
about 2 % position papers and official answers. Written in bulk (``bench/seeding.py``, shared
with ``bench/export.py``), not through the per-row services: N = 50,000 takes well under a
minute on PostgreSQL.

Safe to run again: a consultation with that slug is left alone (nothing is added);
``--reseed`` deletes it, its people and organisations, and builds it again.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def _seeding():
    # bench/ sits next to the apps, outside any app: make the project root importable also when
    # the command is started from elsewhere (django-admin, another working directory).
    root = str(settings.BASE_DIR)
    if root not in sys.path:
        sys.path.insert(0, root)
    from bench import seeding

    return seeding


class Command(BaseCommand):
    help = "Seed a large open consultation for the benchmarks (bulk inserts)."

    def add_arguments(self, parser):
        parser.add_argument("--submissions", "-n", type=int, default=50_000)
        parser.add_argument("--slug", default="", help="default: bench-open-<N>")
        parser.add_argument("--reseed", action="store_true", help="delete and build again")
        parser.add_argument(
            "--closed", action="store_true", help="a closed consultation (as for the exports)"
        )

    def handle(self, *args, submissions: int, slug: str, reseed: bool, closed: bool, **options):
        if not 1 <= submissions <= 1_000_000:
            raise CommandError("--submissions must be between 1 and 1,000,000")
        seeding = _seeding()
        slug = slug or f"bench-{'closed' if closed else 'open'}-{submissions}"
        result = seeding.seed_consultation(
            submissions, slug=slug, status="closed" if closed else "open", reseed=reseed
        )
        counts = ", ".join(f"{name} {n:,}" for name, n in result.counts.items())
        if result.created:
            self.stdout.write(f"seeded {slug} in {result.seconds:.1f} s: {counts}")
        else:
            self.stdout.write(f"{slug} exists, nothing added (--reseed to rebuild): {counts}")
