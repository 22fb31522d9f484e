"""Make LightGBM's OpenMP threads wait passively; imported, for this effect, before LightGBM.

OpenMP threads that spin while waiting (the GNU default) make LightGBM 5 to 10 times
slower in wall time when the cores are shared with other processes (the service, a
test run, another job): measured 36 s instead of 5.6 s for the same 50 boosting rounds
on 2 busy cores. Waiting passively costs little on an idle machine. The runtime reads
the setting once, when LightGBM's library loads, so every module of this package that
may be the first to import LightGBM imports this one first. An explicit
``OMP_WAIT_POLICY`` in the environment wins.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
