"""read_partitions_ahead (components/read_ahead.py): order, the last flag, bounded overlap, errors in order."""
from __future__ import annotations

import threading
import time
from typing import List

import pytest

from source_social_analytics.components.read_ahead import read_partitions_ahead


class FakePartition:
    running = 0
    most = 0
    lock = threading.Lock()

    def __init__(self, n: int, fail: bool = False) -> None:
        self.n, self.fail = n, fail

    def read(self):
        with FakePartition.lock:
            FakePartition.running += 1
            FakePartition.most = max(FakePartition.most, FakePartition.running)
        try:
            time.sleep(0.02)
            if self.fail:
                raise ValueError(f"partition {self.n} failed")
            yield from [self.n * 10, self.n * 10 + 1][: self.n % 3]  # 0, 1 or 2 records
        finally:
            with FakePartition.lock:
                FakePartition.running -= 1


def _generate(partitions: List[FakePartition], threads: List[str]):
    for partition in partitions:
        threads.append(threading.current_thread().name)
        yield partition


@pytest.fixture(autouse=True)
def _reset():
    FakePartition.running = FakePartition.most = 0


@pytest.mark.parametrize("ahead", [1, 2, 4, 8])
def test_same_partitions_records_and_last_flag_as_a_plain_loop_with_at_most_ahead_reads_at_once(ahead):
    partitions = [FakePartition(n) for n in range(12)]
    threads: List[str] = []
    out = list(read_partitions_ahead(_generate(partitions, threads), ahead, "t"))
    assert [p for p, _, _ in out] == partitions
    assert [records for _, records, _ in out] == [list(p.read()) for p in partitions]
    assert [last for _, _, last in out] == [False] * 11 + [True]
    assert set(threads) == {threading.current_thread().name}, "the generator is only advanced by the caller"
    assert FakePartition.most <= ahead
    assert ahead == 1 or FakePartition.most >= 2, "reads overlap"


def test_no_partitions_yields_nothing():
    assert list(read_partitions_ahead(iter([]), 4, "t")) == []


@pytest.mark.parametrize("ahead", [1, 4])
def test_a_failed_read_is_raised_at_its_turn_after_the_partitions_before_it(ahead):
    partitions = [FakePartition(n, fail=(n == 5)) for n in range(12)]
    seen = []
    with pytest.raises(ValueError, match="partition 5 failed"):
        for partition, _, _ in read_partitions_ahead(iter(partitions), ahead, "t"):
            seen.append(partition.n)
    assert seen == [0, 1, 2, 3, 4]


def test_the_next_partition_is_taken_before_the_current_one_is_handed_out():
    """As the CDK's loop (iterate_with_last_flag): needed to know the last partition, and to read ahead."""
    taken: List[int] = []

    def generate():
        for n in range(4):
            taken.append(n)
            yield FakePartition(n)

    for ahead in (1, 3):
        taken.clear()
        for partition, _, _ in read_partitions_ahead(generate(), ahead, "t"):
            assert taken[-1] >= min(partition.n + 1, 3)
            assert taken[-1] <= partition.n + ahead
