from celery import shared_task

from visits.complaints import services


# The name it had in visits.tasks: queued messages and beat schedules keep it.
@shared_task(name="visits.tasks.complaints_escalate_task", ignore_result=True)
def complaints_escalate_task() -> int:
    """Beat, every COMPLAINT_SCAN_SECONDS: flag complaints whose clock ran out."""
    return services.complaints_escalate_overdue()
