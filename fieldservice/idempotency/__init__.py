"""Safe retries for writes: the Idempotency-Key header (see services.py).

A small app of its own, because its record is infrastructure: no domain app
owns it. The table is the one accounts made before (renamed on migration).
"""
