"""Background tasks of registry imports (run by the django-tasks worker)."""

from django_tasks import task


@task()
def run_import(job_id: int) -> dict:
    """Check or write an uploaded sheet, as far as its state allows."""
    from shanzhi.registry.io.runner import purge_expired, run

    state = run(job_id)
    purge_expired()
    return {"job": job_id, "state": state}
