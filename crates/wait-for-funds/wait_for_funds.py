#!/usr/bin/env python3
# -*- coding: utf-8 -*-

# Not from the seed: written for the Rust port's wait-for-funds lesson, in the
# style of the seed's Lock program (docs/wait-for-funds.md). The bank again,
# but a withdrawal never takes more than the balance holds: it waits, under a
# threading.Condition, until deposits cover it. Two withdrawers take 5 and 8,
# a depositor pays in 5 then 8, 100000 times each; every withdrawal is
# covered in the end, so it prints 0. No thread prints: the output is the same
# on every run, however the threads interleave.

import threading

# 假定这是你的银行存款:            (suppose this is your bank deposit)
balance = 0
# 条件变量: 一把锁, 加上等待的地方:  (a condition: a lock, and a place to wait)
cond = threading.Condition()

def withdraw(n):
    global balance
    with cond:
        # 钱不够就等, 醒来再看一遍:    (not enough: wait, and look again on waking)
        while balance < n:
            cond.wait()
        balance = balance - n

def deposit(n):
    global balance
    with cond:
        balance = balance + n
        # 叫醒所有在等的人:            (wake everyone who waits)
        cond.notify_all()

def run_withdrawer(n):
    for i in range(100000):
        withdraw(n)

def run_depositor():
    for i in range(100000):
        deposit(5)
        deposit(8)

t1 = threading.Thread(target=run_withdrawer, args=(5,))
t2 = threading.Thread(target=run_withdrawer, args=(8,))
t3 = threading.Thread(target=run_depositor, name='Depositor')
t1.start()
t2.start()
t3.start()
t1.join()
t2.join()
t3.join()
print(balance)
