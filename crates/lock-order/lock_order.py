#!/usr/bin/env python3
# -*- coding: utf-8 -*-

# Not from the seed: written for the Rust port's lock-order lesson, in the
# style of the seed's Lock program. Two accounts, each with its own lock; two
# threads move money between them in opposite directions. It prints both
# balances and their total, and it finishes: every transfer locks the
# lower-numbered account first. The chapter (docs/lock-order.md) shows the
# version that locks the source account first, and how that one hangs.

import time, threading

# Two bank accounts, each with its own lock:
class Account:
    def __init__(self, number, balance):
        self.number = number
        self.balance = balance
        self.lock = threading.Lock()

a = Account(1, 1000000)
b = Account(2, 1000000)

def transfer(source, target, n):
    # Always lock the lower-numbered account first:
    if source.number < target.number:
        first, second = source, target
    else:
        first, second = target, source
    first.lock.acquire()
    try:
        second.lock.acquire()
        try:
            # Holding both locks, move the money:
            source.balance = source.balance - n
            target.balance = target.balance + n
        finally:
            second.lock.release()
    finally:
        first.lock.release()

def run_thread(source, target, n):
    for i in range(100000):
        transfer(source, target, n)

t1 = threading.Thread(target=run_thread, args=(a, b, 5))
t2 = threading.Thread(target=run_thread, args=(b, a, 8))
t1.start()
t2.start()
t1.join()
t2.join()
print('A:', a.balance)
print('B:', b.balance)
print('total:', a.balance + b.balance)
