#!/usr/bin/env python3
"""maxrss.py FILE CMD...: runs CMD (stdin, stdout and stderr its own) and writes the peak
resident set size it reached, in kB, to FILE (getrusage's ru_maxrss, from wait4). Exits
with CMD's status."""
import os
import sys

pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(f"{usage.ru_maxrss}\n")
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
