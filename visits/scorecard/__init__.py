"""The service scorecard: the figures the company is judged by, per technician
and per team over a period, their charts, CSV and the monthly review (PDF)."""
