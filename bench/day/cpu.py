"""Server CPU from the operating system's accounting: utime + stime of each
process in /proc/<pid>/stat, by group.

A sampler reads every process of every group twice a second. A process's CPU
in the window is its last reading minus its reading at the window's start (0
for a process born inside the window, e.g. a PostgreSQL backend opened by a
new connection); a process that ends between two samples loses at most half
a second of CPU. Groups:
- gunicorn, celery worker, celery beat: the processes this bench started and
  all their descendants (with several nodes, one group per node and process,
  `node1 gunicorn`, which the bench sums);
- s3: the S3 server the bench starts for media on S3, standing in for the
  provider's service;
- postgres: the backends connected to the bench's database (the database's
  name is in each backend's command line), not the server's shared processes
  (checkpointer, WAL writer), which also serve other databases;
- redis: the whole redis-server process: it is shared with whatever else uses
  that server, so its figure is an upper bound.
"""

import os
import threading
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def read_stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a process, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces.
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def descendants(roots: list[int], parents: dict[int, int]) -> set[int]:
    found = set(roots)
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in found and pid not in found:
                found.add(pid)
                grew = True
    return found


class CpuSampler:
    """Samples the groups' CPU until stopped. `roots` maps a group to the pids
    this bench started; `database` picks the PostgreSQL backends."""

    def __init__(self, roots: dict[str, list[int]], database: str, interval=0.5):
        self.roots = roots
        self.database = database
        self.interval = interval
        self.lock = threading.Lock()
        # group -> pid -> [cpu at window start (None: born inside), last cpu]
        self.readings: dict[str, dict[int, list]] = {}
        self.is_open = False
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _members(self) -> dict[str, dict[int, float]]:
        stats = {}
        for pid in all_pids():
            stat = read_stat(pid)
            if stat is not None:
                stats[pid] = stat
        parents = {pid: stat[0] for pid, stat in stats.items()}
        members: dict[str, dict[int, float]] = {}
        for group, roots in self.roots.items():
            members[group] = {
                pid: stats[pid][1]
                for pid in descendants(roots, parents)
                if pid in stats
            }
        members["postgres"] = {}
        members["redis"] = {}
        for pid, (_parent, seconds) in stats.items():
            line = command_line(pid)
            if line.startswith("postgres: ") and f" {self.database} " in line:
                members["postgres"][pid] = seconds
            elif line.startswith("redis-server"):
                members["redis"][pid] = seconds
        return members

    def sample(self, *, opening: bool = False) -> None:
        members = self._members()
        with self.lock:
            for group, processes in members.items():
                readings = self.readings.setdefault(group, {})
                for pid, seconds in processes.items():
                    if pid in readings:
                        readings[pid][1] = seconds
                    else:
                        readings[pid] = [seconds if opening else None, seconds]

    def _run(self) -> None:
        while not self.stop_event.wait(self.interval):
            self.sample()

    def open(self) -> None:
        self.readings = {}
        self.sample(opening=True)
        self.is_open = True
        self.thread.start()

    def close(self) -> dict[str, float]:
        self.stop_event.set()
        self.thread.join()
        self.sample()
        result = {}
        with self.lock:
            for group, readings in self.readings.items():
                result[group] = round(
                    sum(last - (first or 0.0) for first, last in readings.values()), 2
                )
        return result
