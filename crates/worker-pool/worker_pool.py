#!/usr/bin/env python3
# -*- coding: utf-8 -*-

# Not from the seed: written for this repo, in the seed's style, as the Python
# original of the worker-pool lesson (a pool of threads doing CPU-bound work;
# docs/worker-pool.md). It prints how many primes lie below each number, in the
# order the numbers are given. `python3 worker_pool.py 2 100 200` runs it with
# 2 workers on 100 and 200 (cargo xtask bench --pool does, to time 1, 2, more).

import sys
from concurrent.futures import ThreadPoolExecutor

# 每个任务只算数，不等待:          (each job only computes; it never waits)
def count_primes(n):
    count = 0
    for k in range(2, n):
        d = 2
        while d * d <= k:
            if k % d == 0:
                break
            d = d + 1
        else:
            count = count + 1
    return count

workers = int(sys.argv[1]) if len(sys.argv) > 1 else 4
items = [int(n) for n in sys.argv[2:]]
if not items:
    items = [80000, 10000, 70000, 20000, 60000, 30000, 50000, 40000]

# 四个工作线程，共用一个任务队列:  (four worker threads share one queue of jobs)
with ThreadPoolExecutor(max_workers=workers) as executor:
    # 结果按输入的顺序返回:        (the results come back in the order of the input)
    for n, count in zip(items, executor.map(count_primes, items)):
        print('primes below %d: %d' % (n, count))
# 离开 with 时，所有工作线程都已结束:  (leaving the with block, every worker has ended)
