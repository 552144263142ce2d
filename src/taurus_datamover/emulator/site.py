"""EmulatedSite: a ZIH-like cluster in a directory, for offline use and tests.

Under its root: ``bin/`` (look-alike ``dt*``/``ws_*`` scripts calling
:func:`taurus_datamover.emulator.launcher.run`), ``grp/``, ``projects/``, the file systems of
``site.json``, ``dt.json`` (:mod:`.dt.mode`), the local queue in ``jobs/``, the faults and
``dt-bandwidth.json``. The site never deletes its root; leaving the context manager cancels
the local jobs still pending or running.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from collections.abc import Mapping, Sequence
from contextlib import suppress
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from taurus_datamover.emulator import clock, config
from taurus_datamover.emulator.dt import mode
from taurus_datamover.emulator.dt.jobs import JobStore
from taurus_datamover.emulator.dt.transfer import DT_EXEC
from taurus_datamover.emulator.errors import EmulatorArgumentError, SlurmUnavailableError, ZihViewUnavailableError
from taurus_datamover.emulator.faults import read_fault_log, write_faults
from taurus_datamover.emulator.files import write_atomic
from taurus_datamover.emulator.root import check_site_root
from taurus_datamover.facts import DATAMOVER_PATH_ENV, EMULATOR_ROOT_ENV, MANAGE_TOOLS, TRANSFER_TOOLS, WS_PATH_ENV

__all__ = ["EmulatedSite", "SlurmUnavailableError", "ZihViewUnavailableError"]

WS_TOOL_NAMES = tuple("ws_allocate ws_list ws_extend ws_release ws_restore ws_find ws_register ws_send_ical".split())


def _write_executable(path: Path, text: str) -> None:
    """Write *path* (atomically, only when its content changed) with mode 0755."""
    with suppress(FileNotFoundError, UnicodeDecodeError):
        if path.read_text(encoding="utf-8") == text and os.access(path, os.X_OK):
            return
    write_atomic(path, text, mode=0o755)


class EmulatedSite:
    """A cluster in a box under one root. *slurm*: None uses a Slurm with a ``datamover``
    partition when one answers at each call, else the local queue (a reopened site keeps its
    stored choice); True requires one (:class:`SlurmUnavailableError`); False runs every job
    locally. *ws_format* ("v1"/"v2") picks the output format of a new site; *now* sets the
    emulated clock; *bandwidth* is the per-job limit of ``dtrsync`` (``"50MB/s"``; None keeps
    the stored one, ``"unlimited"`` removes it)."""

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        slurm: bool | None = None,
        ws_format: str = "v1",
        now: datetime | float | None = None,
        bandwidth: str | float | None = None,
    ) -> None:
        self._root = Path(root).absolute()
        check_site_root(self._root)  # before anything is created
        if (self._root / config.SITE_FILE).exists():
            cfg = config.load_site_config(self._root)
        else:
            cfg = config.default_site_config(self._root, ws_format=ws_format)
            config.save_site_config(self._root, cfg)
        config.ensure_site_dirs(cfg)
        self._slurm = self._choose_slurm(slurm)
        for directory in (self.bin, self.grp, self.projects, self._root / "jobs"):
            directory.mkdir(parents=True, exist_ok=True)
        for tool in (*TRANSFER_TOOLS, *MANAGE_TOOLS, *WS_TOOL_NAMES):
            run = f"from taurus_datamover.emulator.launcher import run\nsys.exit(run({tool!r}, {str(self._root)!r}, sys.argv[1:]))"
            _write_executable(self.bin / tool, f"#!{sys.executable}\nimport sys\n{run}\n")
        # the batch script of non-blocking Slurm jobs: runs its arguments, no shell string
        _write_executable(self.bin / DT_EXEC, '#!/bin/sh\nexec "$@"\n')
        if now is not None:
            self.set_now(now)
        self.bandwidth = mode.configure_bandwidth(self._root, bandwidth)

    def _choose_slurm(self, slurm: bool | None) -> mode.SlurmSetting:
        if slurm is None and mode.mode_file(self._root).exists():
            return mode.load_slurm_setting(self._root)
        if slurm and not mode.detect_slurm():
            raise SlurmUnavailableError(
                f"slurm=True, but no Slurm with a '{mode.PARTITION}' partition answers "
                f"(`sinfo -h -p {mode.PARTITION} -o %P`); start one with ci/start-slurm.sh or use slurm=False"
            )
        chosen: mode.SlurmSetting = "auto" if slurm is None else bool(slurm)
        mode.save_slurm_mode(self._root, chosen)
        return chosen

    @property
    def root(self) -> Path:
        """The site's root directory (absolute)."""
        return self._root

    @property
    def bin(self) -> Path:
        """Directory of the emulated dt* and ws_* executables."""
        return self._root / "bin"

    @property
    def grp(self) -> Path:
        """The group storages of the fileserver (``/grp`` on the data-transfer machine)."""
        return self._root / "grp"

    @property
    def projects(self) -> Path:
        """The project file system (``/projects``)."""
        return self._root / "projects"

    @property
    def slurm(self) -> bool:
        """True when the dt tools go through Slurm now (with ``slurm=None`` decided per call)."""
        return mode.detect_slurm(mode.PROBE_TIMEOUT) if self._slurm == "auto" else bool(self._slurm)

    @property
    def slurm_setting(self) -> mode.SlurmSetting:
        """The stored choice: ``"auto"`` (decided at each call), True or False."""
        return self._slurm

    def env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """A copy of *base* (default ``os.environ``) with :meth:`env_overrides` applied."""
        env = dict(os.environ if base is None else base)
        return {**env, **self.env_overrides(env)}

    def env_overrides(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The variables that point the tools at ``bin`` and the root (*base*'s ``PATH``, ``bin`` first)."""
        source = os.environ if base is None else base
        bin_dir = str(self.bin)
        rest = [p for p in source.get("PATH", os.defpath).split(os.pathsep) if p and p != bin_dir]
        return {
            "PATH": os.pathsep.join([bin_dir, *rest]),
            DATAMOVER_PATH_ENV: bin_dir,
            WS_PATH_ENV: bin_dir,
            EMULATOR_ROOT_ENV: str(self._root),
        }

    def now(self) -> datetime:
        """The site's current time (the emulated clock), tz-aware."""
        return datetime.fromtimestamp(clock.now(self._root), timezone.utc)

    def zih_mounts(self) -> dict[str, str]:
        """ZIH path -> this site's folder, as :meth:`run` mounts them."""
        from taurus_datamover.emulator.zih_view import view_mounts

        return view_mounts(self._root)

    @staticmethod
    def zih_view_unavailable() -> str | None:
        """None when :meth:`run` can show the ZIH paths here; else why not."""
        from taurus_datamover.emulator.zih_view import view_unavailable

        return view_unavailable()

    def run(
        self,
        argv: Sequence[str],
        *,
        zih_paths: bool | None = None,
        cwd: str | os.PathLike[str] | None = None,
        **kwargs: Any,
    ) -> subprocess.CompletedProcess[Any]:
        """Run *argv* (a list, never a shell string) with this site's environment and, where
        a private mount namespace is allowed, the ZIH paths (``/grp``, ``/projects``,
        ``/data/<fs>/ws`` are this site's folders), so a script written for ZIH runs unchanged.

        *zih_paths*: True requires the ZIH paths (:class:`ZihViewUnavailableError`), None uses
        them where this machine allows it (a warning says so otherwise), False never. Other
        keywords go to :func:`subprocess.run`; ``env`` is the base of the site's environment.
        """
        from taurus_datamover.emulator.zih_view import view_argv, view_unavailable

        if not argv or isinstance(argv, (str, bytes)):
            raise EmulatorArgumentError(f"run: argv must be a non-empty list naming the command to run, not {argv!r}")
        where = None if cwd is None else os.fspath(cwd)
        reason = None if zih_paths is False else view_unavailable()
        if reason is not None and zih_paths:
            raise ZihViewUnavailableError(f"cannot show the ZIH paths (/grp, /projects, /data/...): {reason}")
        if reason is not None:
            warnings.warn(
                f"no private mount namespace here ({reason}); running with the site's own paths "
                f"({self.grp} for /grp, {self.projects} for /projects, ...)",
                RuntimeWarning,
                stacklevel=2,
            )
        if zih_paths is not False and reason is None:
            argv = view_argv(self._root, argv, cwd=os.path.abspath(where) if where else None)
        return subprocess.run(list(argv), env=self.env(kwargs.pop("env", None)), cwd=where, **kwargs)

    def set_now(self, when: datetime | float) -> None:
        """Set the emulated clock (workspace expiry etc.) to *when*."""
        clock.set_clock(self._root, when)

    def advance(self, delta: timedelta | float) -> None:
        """Move the emulated clock forward by *delta* (a timedelta or seconds)."""
        clock.advance_clock(self._root, delta)

    def set_faults(self, faults: Sequence[Mapping[str, Any]] | None) -> None:
        """Set faults (:mod:`.faults`: ``[{"tool": "dtmv", "action": "fail"}]``; None: none); resets the counters."""
        write_faults(self._root, faults)

    def fault_log(self) -> list[dict[str, Any]]:
        """Every fault that struck so far (tool, action, pid, where it stopped), oldest first."""
        return read_fault_log(self._root)

    def cancel_local_jobs(self) -> list[int]:
        """Cancel every pending or running job of the local queue: their ids (then a bad job file's JobFileError)."""
        cancelled, bad = JobStore(self._root).cancel_active()
        if bad:
            raise bad[0]
        return cancelled

    def close(self) -> None:
        """Cancel still-running local jobs (the root and its files stay; a bad job file: a warning)."""
        for error in JobStore(self._root).cancel_active()[1]:
            warnings.warn(str(error), RuntimeWarning, stacklevel=2)

    def __enter__(self) -> EmulatedSite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        runs = {"auto": "slurm when it answers", True: "slurm", False: "local"}[self._slurm]
        return f"EmulatedSite({str(self._root)!r}, {runs})"
