import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from config.scheduler import run_periodic_jobs
from jobs.runner import run_pending


class Command(BaseCommand):
    help = (
        "The background worker: runs queued jobs (exports, reports, emails) as they come and "
        "the periodic jobs (consultations opening and closing by time, retries) every interval."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=30.0, help="Periodic jobs, seconds.")
        parser.add_argument("--poll", type=float, default=1.0, help="Job queue poll, seconds.")
        parser.add_argument("--once", action="store_true", help="Run everything once and exit.")

    def handle(self, *args, interval: float, poll: float, once: bool, **options):
        next_periodic = 0.0
        while True:
            now = time.monotonic()
            if now >= next_periodic:
                run_periodic_jobs()
                next_periodic = now + interval
            ran = run_pending()
            if once:
                return
            close_old_connections()
            if not ran:
                time.sleep(poll)
