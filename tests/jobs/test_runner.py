import pytest
from django.core.management import call_command

from jobs import runner
from jobs.models import Job

pytestmark = pytest.mark.django_db

CALLS = []


@runner.job("tests.count")
def count_job(job, *, n):
    for i in range(n):
        runner.set_progress(job, 100 * (i + 1) // n, f"{i + 1}/{n}")
    CALLS.append(n)
    return {"counted": n}


@runner.job("tests.flaky")
def flaky_job(job, *, fail_times):
    if job.attempts <= fail_times:
        raise RuntimeError("the mail server is down")
    return {"ok": True}


def test_job_runs_after_commit_in_process(settings, django_capture_on_commit_callbacks):
    settings.JOBS_INPROCESS = False  # run it here, deterministically
    record = runner.enqueue("tests.count", args={"n": 4})
    assert record.status == "queued"
    assert runner.run_pending() == 1
    record.refresh_from_db()
    assert (record.status, record.progress, record.result) == ("done", 100, {"counted": 4})
    assert record.message == "4/4"


def test_a_failing_job_is_retried_with_backoff_then_succeeds(settings):
    settings.JOBS_INPROCESS = False
    settings.JOBS_RETRY_SECONDS = 0
    record = runner.enqueue("tests.flaky", args={"fail_times": 2})
    runner.run_pending()
    record.refresh_from_db()
    assert record.status == "queued" and record.attempts == 1 and "mail server" in record.error
    runner.run_pending()
    runner.run_pending()
    record.refresh_from_db()
    assert record.status == "done" and record.attempts == 3


def test_a_job_failing_every_time_ends_failed(settings):
    settings.JOBS_INPROCESS = False
    settings.JOBS_RETRY_SECONDS = 0
    record = runner.enqueue("tests.flaky", args={"fail_times": 99}, max_attempts=2)
    runner.run_pending()
    runner.run_pending()
    record.refresh_from_db()
    assert record.status == "failed" and record.attempts == 2


def test_a_job_is_claimed_once():
    record = Job.objects.create(name="tests.count", args={"n": 1})
    assert runner._claim(record.pk) is True
    assert runner._claim(record.pk) is False


def test_unknown_job_name_is_refused():
    with pytest.raises(KeyError):
        runner.enqueue("tests.nothing")


def test_worker_command_runs_queued_jobs(settings):
    settings.JOBS_INPROCESS = False
    record = runner.enqueue("tests.count", args={"n": 2})
    call_command("run_worker", "--once")
    record.refresh_from_db()
    assert record.status == "done"
