#!/usr/bin/env python3
# -*- coding: utf-8 -*-

# Not from the seed: written for this repo, in the seed's style, as the Python
# original of lesson 4 (the seed's bank, with a queue.Queue in place of the lock).
# It prints 0. Its comments, in English: "only the ledger thread owns the
# balance"; "the tellers put the amounts in the queue"; "only this thread changes
# the balance, so no lock is needed"; "a teller has finished"; "deposit, then
# withdraw"; "tell the ledger: I have finished".

import threading, queue

# 余额只归账本线程所有:
balance = 0
# 柜员把金额放进队列:
q = queue.Queue()

def ledger():
    # 只有这个线程改余额，所以不需要锁:
    global balance
    done = 0
    while done < 2:
        n = q.get()
        if n is None:
            # 一个柜员办完了:
            done = done + 1
        else:
            balance = balance + n

def run_thread(n):
    for i in range(100000):
        # 先存后取:
        q.put(n)
        q.put(-n)
    # 告诉账本，我办完了:
    q.put(None)

t0 = threading.Thread(target=ledger, name='Ledger')
t1 = threading.Thread(target=run_thread, args=(5,))
t2 = threading.Thread(target=run_thread, args=(8,))
t0.start()
t1.start()
t2.start()
t1.join()
t2.join()
t0.join()
print(balance)
