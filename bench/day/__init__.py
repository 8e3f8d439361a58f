"""The working-day benchmark: N technicians replay their day of visits over
HTTP against the production stack (gunicorn, PostgreSQL, Redis, a Celery worker
and beat). Run it with `make bench`; see bench/RESULTS.md."""
