"""Timing one page in-process: warm up, then REPEAT requests; median and 95th percentile."""

import statistics
import time


def timed(client, path: str, repeat: int, warmup: int = 10, headers=None):
    """(median ms, p95 ms, response bytes) of GET `path`; every answer must be 200."""
    for _ in range(warmup):
        client.get(path, headers=headers)
    samples, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path, headers=headers)
        size = len(response.get_data())
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], size
