"""Start a real ``bentoml serve`` of the service and stop it: for the CLI, tests, benchmarks.

``server_command`` is the one description of how the service is launched (command line
and environment); ``running_service`` runs it in the background on a loopback port, waits
until ``/readyz`` answers, and on exit stops the server's process group and every worker
(each runs in a session of its own), so that nothing is left listening.
``freeze_loaded_objects`` is what a long-running process (the service, the dashboard alone)
does once it has loaded its data.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from credit_scoring import settings
from credit_scoring.settings import DEFAULT_DRIFT_DIR, ENV_DRIFT_DIR

#: The service, as ``bentoml serve`` imports it.
SERVICE_IMPORT = "service.service:CreditScoring"
#: The folder holding the ``service`` package (``bentoml serve``'s working directory).
PROJECT_DIR = Path(__file__).resolve().parents[1]
#: Environment switch of adaptive batching for single ``/score`` calls (on/off).
ENV_SCORE_BATCHING = "CREDIT_SCORE_BATCHING"


def server_command(
    *,
    port: int,
    model: str,
    features: Path,
    request_log: Path,
    host: str = "127.0.0.1",
    batching: bool = True,
    token: str | None = None,
    home: Path | None = None,
) -> tuple[list[str], dict[str, str]]:
    """The ``bentoml serve`` command line and environment for these settings.

    Paths (and the drift gauges' folder) are made absolute, so that the server reads what
    the caller meant whatever its working directory. ``token`` (if given) overrides
    ``CREDIT_API_TOKEN``. ``home`` (if given) becomes the server's own ``BENTOML_HOME``
    sharing the current model store (see ``private_home``).
    """
    env = dict(os.environ)
    if home is not None:
        env["BENTOML_HOME"] = str(private_home(home))
    env.update(
        {
            settings.ENV_MODEL_TAG: model,
            settings.ENV_FEATURES_DIR: str(Path(features).resolve()),
            settings.ENV_REQUEST_LOG_DIR: str(Path(request_log).resolve()),
            ENV_SCORE_BATCHING: "on" if batching else "off",
            "BENTOML_DO_NOT_TRACK": env.get("BENTOML_DO_NOT_TRACK", "True"),
        }
    )
    drift = env.get(ENV_DRIFT_DIR, "").strip()
    env[ENV_DRIFT_DIR] = str(Path(drift or DEFAULT_DRIFT_DIR).resolve())
    if token is not None:
        env[settings.ENV_API_TOKEN] = token
    command = [
        sys.executable,
        "-m",
        "bentoml",
        "serve",
        SERVICE_IMPORT,
        "--host",
        host,
        "--port",
        str(port),
        "--working-dir",
        str(PROJECT_DIR),
    ]
    return command, env


def private_home(home: Path) -> Path:
    """A BentoML home of its own at ``home`` whose model store is the current one.

    BentoML empties ``$BENTOML_HOME/prometheus_multiproc_dir`` whenever a server starts,
    which would wipe the metrics of another server running from the same home (tests
    and benchmarks run several at once); the models are shared through a link.
    """
    from bentoml._internal.configuration.containers import BentoMLContainer

    store = Path(BentoMLContainer.model_store_dir.get()).resolve()
    home.mkdir(parents=True, exist_ok=True)
    link = home / "models"
    if not link.exists():
        link.symlink_to(store, target_is_directory=True)
    return home.resolve()


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen, timeout: float, log_path: Path) -> None:
    """Return once ``url/readyz`` answers 200; raise with the server's log otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the service exited with status {process.returncode} before being ready:\n"
                + _tail(log_path)
            )
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"the service was not ready after {timeout:.0f} s:\n" + _tail(log_path))


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@contextmanager
def running_service(
    *,
    model: str,
    features: Path,
    request_log: Path,
    log_path: Path,
    batching: bool = True,
    token: str | None = None,
    port: int | None = None,
    timeout: float = 240,
) -> Iterator[str]:
    """Run the service on loopback while the block runs; yield its base URL.

    The server's output goes to ``log_path``. On exit the server's process group gets
    SIGTERM, then SIGKILL if it has not stopped within 20 s.
    """
    port = port or free_port()
    command, env = server_command(
        port=port,
        model=model,
        features=features,
        request_log=request_log,
        batching=batching,
        token=token,
        home=log_path.parent / f"bentoml-home-{port}",
    )
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_ready(url, process, timeout, log_path)
        yield url
    finally:
        _stop(process)


def descendants(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (from ``/proc``), children first.

    BentoML starts each worker in a session of its own, so signalling the server's
    process group does not reach them; they must be found by parentage.
    """
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], list(children.get(pid, []))
    while queue:
        child = queue.pop(0)
        found.append(child)
        queue.extend(children.get(child, []))
    return found


def _signal(pids: list[int], sig: signal.Signals) -> None:
    """Send ``sig`` to each of ``pids`` that still exists."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def kill_tree(process: subprocess.Popen, sig: signal.Signals = signal.SIGKILL) -> None:
    """Send ``sig`` to the server, its process group and every descendant (workers)."""
    _signal(descendants(process.pid), sig)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM the server, SIGKILL it and its workers after 20 s; leave no orphan."""
    workers = descendants(process.pid)
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            kill_tree(process)
            process.wait(timeout=10)
    _signal(workers, signal.SIGKILL)  # a worker that outlived its server


def freeze_loaded_objects() -> None:
    """Keep what a long-running process has loaded out of the garbage collector's full passes.

    The known clients, the model and the dashboard are ~300,000 Python objects that live as
    long as the process; a full collection over them takes ~0.25 s on 2 cores and showed as
    0.4 s p99 stalls under load. They are unfrozen at exit, so that the interpreter's last
    collection still finalises them.
    """
    gc.freeze()
    atexit.register(gc.unfreeze)
