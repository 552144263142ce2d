"""The ZIH paths of an emulated site (``/grp``, ``/projects``, ``/data/<fs>/ws``) in a
private mount namespace, so scripts written for ZIH's absolute paths run unchanged.

:func:`view_argv` wraps a command into ``unshare --mount`` (``--user --map-root-user`` when
not root): a tmpfs at ``<root>/.zih-root`` becomes the new ``/``, with binds of every entry
of the real ``/`` (never written to) and of the site's folders at the ZIH paths. Inside,
the ``ws_*`` tools print ZIH paths and a ``dt*`` job on ``slurmd`` enters the same view.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from taurus_datamover.emulator.config import load_site_config
from taurus_datamover.facts import EMULATOR_VIEW_ENV as VIEW_ENV  # {"root", "mounts": {zih: site}, "mode"}

_MODULE = "taurus_datamover.emulator.zih_view"
_PATH_END = r"(?=\Z|[/\n \t\"',])"  # what may follow a folder's name in a path
_MS_BIND = 4096
_MS_REC = 16384


def view_mounts(root: str | os.PathLike[str]) -> dict[str, str]:
    """ZIH path -> site folder: ``/grp``, ``/projects``, ``/data/<fs>/ws`` (``ws<i>``: further spaces)."""
    base = Path(root).absolute()
    mounts = {"/grp": str(base / "grp"), "/projects": str(base / "projects")}
    for fs, fs_cfg in load_site_config(base).filesystems.items():  # a SiteConfigError if edited wrong
        for index, space in enumerate(fs_cfg.spaces):
            mounts[f"/data/{fs}/ws" + (str(index + 1) if index else "")] = str(space)
    return mounts


def _mode() -> str:
    """``root`` (a plain mount namespace) or ``user`` (a user namespace too)."""
    return "root" if os.geteuid() == 0 else "user"


def _unshare(mode: str) -> list[str]:
    user = ["--user", "--map-root-user"] if mode != "root" else []
    return ["unshare", *user, "--mount", "--propagation", "private"]


@functools.lru_cache(maxsize=1)
def view_unavailable() -> str | None:
    """None when this machine can make a view; else why not (one sentence)."""
    if shutil.which("unshare") is None:
        return "`unshare` (util-linux) is not installed"
    if not sys.platform.startswith("linux"):
        return f"mount namespaces need Linux, this is {sys.platform}"
    try:
        done = subprocess.run([*_unshare(_mode()), "true"], stdin=subprocess.DEVNULL, capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"`unshare` could not run: {exc}"
    if done.returncode != 0:
        said = done.stderr.decode(errors="replace").strip().splitlines()
        kind = "a mount namespace" if _mode() == "root" else "a user and mount namespace"
        return f"`unshare` may not create {kind} here ({said[-1] if said else f'exit {done.returncode}'})"
    return None


def view_argv(root: str | os.PathLike[str], argv: Sequence[str], *, cwd: str | None = None) -> list[str]:
    """*argv* wrapped to run in the ZIH view of the site at *root*, in *cwd* (default: here)."""
    here = os.getcwd() if cwd is None else cwd
    return _entering(os.fspath(Path(root).absolute()), here, _mode(), argv)


def _entering(root: str, cwd: str, mode: str, argv: Sequence[str]) -> list[str]:
    """The ``unshare`` call that runs *argv* in a new view (through :func:`main`)."""
    return [*_unshare(mode), "--", sys.executable, "-m", _MODULE, root, cwd, mode, *argv]


def current_view() -> dict[str, str] | None:
    """The mounts of the view this process runs in (ZIH path -> site folder), or None."""
    try:
        mounts = json.loads(os.environ.get(VIEW_ENV) or "{}")["mounts"]
    except (ValueError, KeyError, TypeError):
        return None
    return {str(k): str(v) for k, v in mounts.items()} if isinstance(mounts, dict) else None


def host_path(path: str, mounts: Mapping[str, str]) -> str:
    """*path* as seen outside the view (a ZIH path, or one below it, becomes its site folder's)."""
    for zih, site_dir in sorted(mounts.items(), key=lambda item: -len(item[0])):
        base = zih.rstrip("/")
        if path == zih or path.startswith(base + "/"):
            return site_dir + ("" if path == zih else path[len(base) :])
    return path


def zih_text(text: str, mounts: Mapping[str, str]) -> str:
    """*text* with every site folder of *mounts* that ends a path written as its ZIH path
    (both name the same folder inside the view, so no decision changes)."""
    for zih, site_dir in sorted(mounts.items(), key=lambda item: -len(item[1])):
        text = re.sub(re.escape(site_dir) + _PATH_END, zih.replace("\\", r"\\"), text)
    return text


class ZihStream(io.TextIOBase):
    """Writes :func:`zih_text` of whole lines to *target* (the rest on :meth:`flush`)."""

    def __init__(self, target: IO[str], mounts: Mapping[str, str]) -> None:
        self._target = target
        self._mounts = dict(mounts)
        self._pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._pending += text
        head, sep, tail = self._pending.rpartition("\n")
        if sep:
            self._target.write(zih_text(head + sep, self._mounts))
            self._pending = tail
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._target.write(zih_text(self._pending, self._mounts))
            self._pending = ""
        self._target.flush()

    def isatty(self) -> bool:
        return self._target.isatty()


def slurm_job_argv(command: str, args: Sequence[str]) -> list[str] | None:
    """Inside a view: what a Slurm job (on ``slurmd``, outside the namespace) must run to see
    the same view, after moving this process to the host form of its working directory
    (where the job starts). None outside a view."""
    mounts = current_view()
    if mounts is None:
        return None
    data = json.loads(os.environ[VIEW_ENV])
    here = os.getcwd()
    os.chdir(host_path(here, mounts))
    return _entering(str(data["root"]), here, str(data.get("mode", "root")), [command, *args])


def _mount(libc: ctypes.CDLL, source: str, target: str, flags: int = _MS_BIND | _MS_REC, tmpfs: bool = False) -> None:
    fstype, data = (b"tmpfs", b"mode=0755") if tmpfs else (None, None)
    if libc.mount(source.encode(), target.encode(), fstype, ctypes.c_ulong(flags), data) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {source} on {target}: {os.strerror(err)}")


def _mirror(libc: ctypes.CDLL, host: str, target: str) -> None:
    """Make *target* (in the new root's tmpfs) show *host*: a copied symlink or a bind."""
    if os.path.islink(host):
        os.symlink(os.readlink(host), target)
    elif os.path.isdir(host):
        os.mkdir(target)
        _mount(libc, host, target)
    elif os.path.exists(host):
        Path(target).touch()
        _mount(libc, host, target, _MS_BIND)


def _build(libc: ctypes.CDLL, host: str, target: str, wanted: Mapping[str, str]) -> None:
    """Fill *target* with the entries of *host* plus the *wanted* binds (relative path ->
    site folder); a host folder on the way to a wanted path is rebuilt one level down."""
    parts: dict[str, Any] = {}  # first name -> a site folder to bind, or what to build below it
    for rel, source in wanted.items():
        first, _, rest = rel.partition("/")
        if rest:
            parts.setdefault(first, {})[rest] = source
        else:
            parts[first] = source
    try:
        names = sorted(os.listdir(host)) if os.path.isdir(host) and not os.path.islink(host) else []
    except OSError:
        names = []
    for name in (name for name in names if name not in parts):
        _mirror(libc, os.path.join(host, name), os.path.join(target, name))
    for name, part in parts.items():
        path = os.path.join(target, name)
        os.makedirs(path, exist_ok=True)
        if isinstance(part, str):
            _mount(libc, part, path)
        else:
            _build(libc, os.path.join(host, name), path, part)


def enter(root: str, cwd: str, mode: str, argv: Sequence[str]) -> int:
    """In a fresh mount namespace: build the view of *root*, ``chroot`` into it, change to
    *cwd* and exec *argv* (returns only on failure); *mode* tells a Slurm job how to enter."""
    mounts = view_mounts(root)
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    new_root = os.path.join(root, ".zih-root")
    os.makedirs(new_root, exist_ok=True)
    _mount(libc, "tmpfs", new_root, 0, tmpfs=True)
    _build(libc, "/", new_root, {zih.lstrip("/"): source for zih, source in mounts.items()})
    os.chroot(new_root)
    try:
        os.chdir(cwd)
    except OSError:
        os.chdir("/")
    os.environ[VIEW_ENV] = json.dumps({"root": root, "mounts": mounts, "mode": mode})
    os.environ["PWD"] = os.getcwd()
    try:
        os.execvp(argv[0], list(argv))
    except OSError as exc:
        print(f"taurus-datamover: {argv[0]}: {exc.strerror}", file=sys.stderr)
    return 127


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m taurus_datamover.emulator.zih_view ROOT CWD MODE CMD ARGS...`` (under ``unshare``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 4 or args[2] not in ("root", "user"):
        print("usage: python -m taurus_datamover.emulator.zih_view ROOT CWD root|user CMD [ARGS...]", file=sys.stderr)
        return 2
    try:
        return enter(args[0], args[1], args[2], args[3:])
    except (OSError, ValueError) as exc:  # (a site.json edited wrong: its SiteConfigError)
        print(f"taurus-datamover: cannot build the ZIH view: {exc}", file=sys.stderr)
        return 126


if __name__ == "__main__":
    raise SystemExit(main())
