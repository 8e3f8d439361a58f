"""A call provider for tests that run a real worker: it writes what it does to
a file (FIELDSERVICE_TEST_CALL_LOG), taking FIELDSERVICE_TEST_CALL_SECONDS to
"place" each call, so a test can kill the worker in the middle.

Several workers may share the file: it is opened to append (O_APPEND) and each
line is one write, so their lines never interleave. With
FIELDSERVICE_TEST_CALL_NODE set, each line ends with that name (which worker)."""

import os
import time
import uuid


def log_line(word: str, call_id) -> None:
    node = os.environ.get("FIELDSERVICE_TEST_CALL_NODE")
    line = f"{word} {call_id} {node}\n" if node else f"{word} {call_id}\n"
    with open(os.environ["FIELDSERVICE_TEST_CALL_LOG"], "a") as stream:
        stream.write(line)


class RecordingProvider:
    name = "recording"

    def place(self, call) -> str:
        log_line("start", call.call_id)
        time.sleep(float(os.environ.get("FIELDSERVICE_TEST_CALL_SECONDS", "0")))
        log_line("placed", call.call_id)
        return f"recording-{uuid.uuid4().hex}"
