"""The ``credit-scoring`` command: one sub-command per stage of the platform.

Each stage's command lives in its own package (``features/cli.py``, ...) and imports
its heavy libraries inside the function, so that ``credit-scoring --help`` and a bad
option answer at once instead of after loading LightGBM, BentoML and Gradio.
"""

from __future__ import annotations

import typer

import training.openmp  # noqa: F401  (passive OpenMP waits, before anything loads LightGBM)
from credit_scoring.logs import setup_logging

app = typer.Typer(
    name="credit-scoring",
    help="Credit-scoring platform: data, features, training, serving, dashboard, drift.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _main() -> None:
    setup_logging()


def _register() -> None:
    from features.synthetic.cli import generate_command

    app.command("generate")(generate_command)
    from monitoring.cli import drift_command

    app.command("drift")(drift_command)
    from features.cli import features_command

    app.command("features")(features_command)
    from service.cli import serve_command

    app.command("serve")(serve_command)
    from training.cli import train_command

    app.command("train")(train_command)
    from ui.cli import ui_command

    app.command("ui")(ui_command)
    from credit_scoring.demo import demo_command

    app.command("demo")(demo_command)


_register()

if __name__ == "__main__":
    app()
