#!/usr/bin/env python3
"""How long this machine itself stops a program: the peer of the
daemon's "longest a request held the loop" (bench/http.sh).

A sleeper pinned to one CPU, at real-time priority where it may be
(root, or CAP_SYS_NICE), asks to sleep 5 ms again and again (not more
often: it would take the CPU from what is measured) and notes how much
later than asked it woke.  At real-time priority nothing in this
system delays it, so what it sees is the machine's own: a virtual CPU
that its host did not run, interrupts.  Without that priority it also
waits for the other programs on its CPU, and says so.

    python3 bench/late.py SECONDS CPU   prints each wake later than 5 ms,
    late MS EPOCH              (EPOCH: when the sleep began)
    and at the end:
    cpu CPU rt|normal max MS over5 N
"""
import os
import sys
import time


def main():
    secs, cpu = float(sys.argv[1]), int(sys.argv[2])
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError:
        pass
    prio = "normal"
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(50))
        prio = "rt"
    except (OSError, AttributeError):
        pass
    end = time.monotonic() + secs
    worst, over5 = 0.0, 0
    while True:
        t = time.monotonic()
        if t >= end:
            break
        time.sleep(0.005)
        late = (time.monotonic() - t - 0.005) * 1000
        if late > 5:
            over5 += 1
            print("late %.2f %.3f" % (late, time.time() - late / 1000 - 0.005), flush=True)
        worst = max(worst, late)
    print("cpu %d %s max %.2f over5 %d" % (cpu, prio, worst, over5))


if __name__ == "__main__":
    main()
