#!/usr/bin/env python3
# -*- coding: utf-8 -*-

# Not from the seed: written for this repo, in the seed's style, as the Python
# original of the channel-ledger lesson (the seed's bank, with a queue.Queue in place of the
# lock; docs/channel-ledger.md). It prints 0.

import threading, queue

# 余额只归账本线程所有:            (only the ledger thread owns the balance)
balance = 0
# 柜员把金额放进队列:              (the tellers put the amounts in the queue)
q = queue.Queue()

def ledger():
    # 只有这个线程改余额，不需要锁:  (only this thread changes it: no lock)
    global balance
    done = 0
    while done < 2:
        n = q.get()
        if n is None:
            # 一个柜员办完了:        (a teller has finished)
            done = done + 1
        else:
            balance = balance + n

def run_thread(n):
    for i in range(100000):
        # 先存后取:                (deposit, then withdraw)
        q.put(n)
        q.put(-n)
    # 告诉账本，我办完了:          (tell the ledger: I have finished)
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
