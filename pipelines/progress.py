"""What `wijkwijzer run` says while it works: each stage, each asset built with its rows and time,
what the assets log, and a failure in one line (the traceback stays in the Dagster event log).

A Dagster logger (`progress`) that the CLI selects in its run config instead of the console logger;
runs execute in-process, so it writes to the CLI's own console.
"""
from __future__ import annotations

import logging
import time

import dagster as dg
from rich.console import Console

from assets.metadata import ROW_COUNT

PROGRESS_LOGGER = "progress"
_console = Console(highlight=False, soft_wrap=True)


def use_console(console: Console) -> None:
    global _console
    _console = console


class Stages:
    """The stages of a run, each said as it starts and timed when the next one starts."""

    def __init__(self) -> None:
        self._current: tuple[str, float] | None = None

    def start(self, name: str) -> None:
        self.finish()
        _console.print(f"[bold]▶ {name}[/bold]")
        self._current = (name, time.perf_counter())

    def finish(self) -> None:
        if self._current:
            name, started = self._current
            _console.print(f"  [dim]{name} done in {time.perf_counter() - started:.1f} s[/dim]")
            self._current = None


def _first_line(text: str) -> str:
    return next((line.strip() for line in (text or "").splitlines() if line.strip()), "")


class _ProgressHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)  # Dagster logs its events at DEBUG
        self._started: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", {}) or {}
        event = meta.get("dagster_event")
        step = meta.get("step_key") or ""
        if event is None:  # a message an asset logged
            if record.levelno >= logging.INFO and step:
                _console.print(f"  {step}: {meta.get('orig_message', record.getMessage())}")
            return
        if event.is_step_start:
            self._started[step] = time.perf_counter()
        elif event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            materialization = event.step_materialization_data.materialization
            rows = materialization.metadata.get(ROW_COUNT)
            partition = f" [{materialization.partition}]" if materialization.partition else ""
            seconds = time.perf_counter() - self._started.get(step, time.perf_counter())
            _console.print(f"  ✓ {materialization.asset_key.to_user_string()}{partition}"
                           + (f"  {rows.value:,} rows" if rows is not None else "") + f"  {seconds:.1f} s")
        elif event.is_step_failure:
            error = event.step_failure_data.error
            cause = error.cause if error and error.cause else error
            _console.print(f"  [red]✗ {step}: {_first_line(cause.message) if cause else 'failed'}[/red]")


@dg.logger(description="Progress for `wijkwijzer run`: assets built, rows, time; failures in one line.")
def progress_logger(_init_context) -> logging.Logger:
    logger = logging.Logger("wijkwijzer.progress", level=logging.DEBUG)
    logger.addHandler(_ProgressHandler())
    return logger


RUN_CONFIG = {"loggers": {PROGRESS_LOGGER: {"config": {}}}}
