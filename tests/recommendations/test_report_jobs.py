"""Report jobs (DESIGN §5): the row is the source of truth; the task is idempotent, failures are recorded,
stuck jobs are requeued; a real worker on Redis produces a PDF end to end."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from recommendations import reports, services, tasks
from recommendations.models import ReportJob
from tests.auth import login_with_mfa
from tests.recommendations.conftest import build_report_data, pdf_text
from tests.recommendations.factories import ReportJobFactory, fachteam_user

pytestmark = pytest.mark.django_db


def media_files(settings):
    root = settings.PRIVATE_MEDIA_ROOT
    return sorted(p for p in root.rglob("*.pdf")) if root.exists() else []


def test_request_creates_a_queued_job_and_the_eager_task_renders_it(settings, django_capture_on_commit_callbacks):
    user = fachteam_user()
    with django_capture_on_commit_callbacks(execute=True):
        job = services.report_job_request(kind="recommendations", parameters={}, by=user)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE
    assert job.progress == 100
    assert job.requested_by == user
    assert job.started_at and job.finished_at and job.attempts == 1
    assert set(job.timings) >= {"data", "layout", "total"}
    assert pdf_text(job.file.read()).count("Handlungsempfehlungen der Bezirkswerkstätten") >= 1


def test_task_run_twice_yields_one_file(settings):
    job = ReportJobFactory()
    tasks.report_generate(job.pk)
    job.refresh_from_db()
    first_name = job.file.name
    with mock.patch.object(reports, "report_render", wraps=reports.report_render) as render:
        tasks.report_generate(job.pk)
    assert render.call_count == 0  # returned early: done
    job.refresh_from_db()
    assert job.file.name == first_name
    assert len(media_files(settings)) == 1


def test_a_job_running_in_another_fresh_run_is_left_alone():
    job = ReportJobFactory(status=ReportJob.Status.RUNNING, started_at=timezone.now(), attempts=1)
    with mock.patch.object(reports, "report_render") as render:
        tasks.report_generate(job.pk)
    render.assert_not_called()
    job.refresh_from_db()
    assert job.status == ReportJob.Status.RUNNING


def test_failure_marks_the_job_failed_with_the_error():
    job = ReportJobFactory()
    with mock.patch.object(reports, "report_render", side_effect=RuntimeError("WeasyPrint ist abgestürzt")):
        tasks.report_generate(job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED
    assert job.error == "RuntimeError: WeasyPrint ist abgestürzt"
    assert job.finished_at is not None
    assert not job.file


def test_invalid_parameters_fail_with_a_readable_message():
    job = ReportJobFactory(kind="workshop", parameters={"workshop": "gibt-es-nicht"})
    tasks.report_generate(job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED
    assert "vorhandene Werkstatt" in job.error


def test_request_refuses_invalid_parameters_up_front():
    with pytest.raises(reports.ReportParameterError):
        services.report_job_request(kind="district", parameters={"district": "nirgendwo"})
    assert not ReportJob.objects.exists()


def test_retry_requeues_a_failed_job_and_it_then_succeeds(django_capture_on_commit_callbacks):
    job = ReportJobFactory(status=ReportJob.Status.FAILED, error="Boom", attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_job_retry(job=job)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE
    assert job.error == ""
    assert job.attempts == 2


def test_retry_of_a_finished_job_is_refused():
    job = ReportJobFactory(status=ReportJob.Status.DONE)
    with pytest.raises(services.ReportJobNotRetryable):
        services.report_job_retry(job=job)


def test_a_failed_job_is_not_rerun_by_a_late_duplicate_message():
    job = ReportJobFactory(status=ReportJob.Status.FAILED, error="Boom")
    with mock.patch.object(reports, "report_render") as render:
        tasks.report_generate(job.pk)
    render.assert_not_called()


def test_sweep_marks_running_jobs_without_heartbeat_stalled(settings):
    settings.REPORT_JOB_STALE = timedelta(seconds=45)
    now = timezone.now()
    dead = ReportJobFactory(
        status=ReportJob.Status.RUNNING,
        started_at=now - timedelta(minutes=2),
        heartbeat_at=now - timedelta(seconds=50),
        attempts=1,
    )
    alive = ReportJobFactory(
        status=ReportJob.Status.RUNNING,
        started_at=now - timedelta(minutes=2),
        heartbeat_at=now - timedelta(seconds=5),
        attempts=1,
    )
    assert tasks.report_sweep() == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == ReportJob.Status.STALLED and dead.run_token is None
    assert "unterbrochen" in dead.error
    assert alive.status == ReportJob.Status.RUNNING


def test_sweep_stops_a_run_beyond_the_render_time_limit_even_with_heartbeat(settings):
    settings.REPORT_JOB_TIME_LIMIT = timedelta(minutes=15)
    now = timezone.now()
    job = ReportJobFactory(
        status=ReportJob.Status.RUNNING, started_at=now - timedelta(minutes=20), heartbeat_at=now, attempts=1
    )
    tasks.report_sweep()
    job.refresh_from_db()
    assert job.status == ReportJob.Status.STALLED


def test_sweep_republishes_queued_jobs_whose_message_got_lost(settings, django_capture_on_commit_callbacks):
    settings.REPORT_JOB_REPUBLISH_AFTER = timedelta(minutes=2)
    lost = ReportJobFactory(status=ReportJob.Status.QUEUED)
    ReportJob.objects.filter(pk=lost.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=3))
    recent = ReportJobFactory(status=ReportJob.Status.QUEUED, heartbeat_at=timezone.now())
    with (
        mock.patch.object(tasks.report_generate, "apply_async") as publish,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.report_sweep() == 1
    publish.assert_called_once()
    assert publish.call_args.kwargs["args"] == (lost.pk,)
    recent.refresh_from_db()
    assert recent.status == ReportJob.Status.QUEUED


def test_sweep_gives_up_after_the_maximum_attempts(settings):
    settings.REPORT_JOB_MAX_ATTEMPTS = 3
    job = ReportJobFactory(status=ReportJob.Status.RUNNING, started_at=timezone.now() - timedelta(days=1), attempts=3)
    services.report_jobs_requeue_stuck()
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED
    assert "Versuche" in job.error


def test_a_redelivered_message_takes_over_a_running_job_without_heartbeat(settings):
    settings.REPORT_JOB_STALE = timedelta(seconds=45)
    now = timezone.now()
    job = ReportJobFactory(
        status=ReportJob.Status.RUNNING,
        started_at=now - timedelta(minutes=1),
        heartbeat_at=now - timedelta(minutes=1),
        attempts=1,
    )
    tasks.report_generate(job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE
    assert job.attempts == 2


def test_a_stalled_job_can_be_retried_and_then_succeeds(django_capture_on_commit_callbacks):
    job = ReportJobFactory(status=ReportJob.Status.STALLED, error="unterbrochen", attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_job_retry(job=job)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE


def test_the_report_page_shows_a_stalled_job_with_a_retry_button(client):
    user = fachteam_user()
    job = ReportJobFactory(
        status=ReportJob.Status.STALLED, error="Die Erstellung wurde unterbrochen", requested_by=user
    )
    login_with_mfa(client, user)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "unterbrochen" in page
    assert "Erneut versuchen" in page
    status = client.get(f"/berichte/{job.pk}/status/").json()
    assert (status["status"], status["finished"]) == ("stalled", True)


def test_staff_retry_of_a_stalled_job_through_the_page(client, django_capture_on_commit_callbacks):
    user = fachteam_user()
    job = ReportJobFactory(status=ReportJob.Status.STALLED, error="unterbrochen", requested_by=user, attempts=1)
    login_with_mfa(client, user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/berichte/{job.pk}/wiederholen/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE


def test_stale_run_cannot_overwrite_the_run_that_took_over(settings):
    """A worker that resumes after the sweep handed its job to another run stores nothing."""
    job = ReportJobFactory()

    def slow_render(**kwargs):
        # Meanwhile the sweep requeued the job and another run claimed it.
        ReportJob.objects.filter(pk=job.pk).update(run_token=ReportJob.new_run_token())
        return reports.ReportResult(pdf=b"%PDF-1.7 stale", filename="stale.pdf", title="x")

    with mock.patch.object(reports, "report_render", side_effect=slow_render):
        services.report_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.RUNNING
    assert not job.file


def test_sweep_is_scheduled_and_tasks_are_routed_to_the_reports_queue(settings):
    from hannover_beteiligung.celery import app

    assert settings.CELERY_BEAT_SCHEDULE["report-sweep"]["task"] == "recommendations.tasks.report_sweep"
    for name in ("recommendations.tasks.report_generate", "recommendations.tasks.report_sweep"):
        route = app.amqp.router.route({}, name)
        assert route["queue"].name == "reports"


def test_management_command_writes_the_same_report(tmp_path):
    data = build_report_data(workshops=2, recommendations=1)
    output = tmp_path / "bericht.pdf"
    call_command("report", "district", "--district", "linden-limmer", "--year", str(data["year"]), "--output", output)
    text = pdf_text(output.read_bytes())
    assert "Stadtbezirk Linden-Limmer" in text
    assert "Mehr Sitzgelegenheiten im Stadtteil 1" in text


def test_management_command_reports_bad_parameters(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Werkstatt"):
        call_command("report", "workshop", "--workshop", "nope", "--output", tmp_path / "x.pdf")


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_produces_the_pdf_end_to_end(celery_worker):
    data = build_report_data(workshops=1, recommendations=1)
    job = services.report_job_request(
        kind="workshop", parameters={"workshop": data["workshops"][0].slug}, by=fachteam_user()
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.3)
    assert job.status == ReportJob.Status.DONE, job.error
    text = pdf_text(job.file.read())
    assert "Werkstatt Lindener Marktplatz 1" in text
    assert "Linden-Limmer" in text
