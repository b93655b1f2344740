"""Run the same request from many threads at once, as many patients pressing a button together;
and wait for what another thread or process does."""

import threading
import time

from django.db import connection
from django.test import Client


def post_together(url, payloads):
    """POST each payload from its own thread and connection, all released at once.

    Each thread is another patient, with an address of its own (192.0.2.x, a documentation
    network), so per-address rate limits and hold caps treat them as the people they are.
    """
    barrier = threading.Barrier(len(payloads))
    responses = [None] * len(payloads)
    errors = []

    def worker(index, data):
        client = Client(REMOTE_ADDR=f"192.0.2.{index + 1}")
        try:
            barrier.wait(timeout=30)
            responses[index] = client.post(url, data)
        except Exception as error:  # recorded, so the test fails with it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, data)) for i, data in enumerate(payloads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return responses


def eventually(check, tries=1000, every=0.005):
    """True once check() is, within `tries` tries `every` seconds apart: counted in tries,
    not by a clock a test may freeze."""
    for _ in range(tries):
        if check():
            return True
        time.sleep(every)
    return False
