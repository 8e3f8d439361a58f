"""A call provider for tests that run a real worker: it writes what it does to
a file (FIELDSERVICE_TEST_CALL_LOG), taking FIELDSERVICE_TEST_CALL_SECONDS to
"place" each call, so a test can kill the worker in the middle."""

import os
import time
import uuid


class RecordingProvider:
    name = "recording"

    def place(self, call) -> str:
        log = os.environ["FIELDSERVICE_TEST_CALL_LOG"]
        with open(log, "a") as stream:
            stream.write(f"start {call.call_id}\n")
        time.sleep(float(os.environ.get("FIELDSERVICE_TEST_CALL_SECONDS", "0")))
        with open(log, "a") as stream:
            stream.write(f"placed {call.call_id}\n")
        return f"recording-{uuid.uuid4().hex}"
