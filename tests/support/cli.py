"""Running the installed ``taurus-datamover`` command in tests: a clean environment, the
command line, and ``--json`` output checked against the models' schema."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.models import JobInfo, JobState

SLURM_TOOLS = {
    "sinfo",
    "srun",
    "sbatch",
    "squeue",
    "scancel",
    "scontrol",
    "sacct",
    "salloc",
    "sstat",
    "sprio",
    "sshare",
    "sview",
    "strigger",
    "sdiag",
    "sreport",
    "sacctmgr",
    "sattach",
    "sbcast",
    "scrontab",
    "sh5util",
}


def command() -> list[str]:
    """The installed console script, else ``python -m taurus_datamover``."""
    found = shutil.which("taurus-datamover")
    return [found] if found else [sys.executable, "-m", "taurus_datamover"]


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAURUS_", "SLURM_"))}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env["LC_ALL"] = "C"
    env.update(extra)
    return env


def cli(
    tmp_path: Path,
    *args: str,
    site: EmulatedSite | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 180,
) -> subprocess.CompletedProcess[str]:
    prefix = ["--site-root", str(site.root)] if site is not None else []
    return subprocess.run(
        [*command(), *prefix, *args],
        env=env if env is not None else clean_env(tmp_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=tmp_path,
    )


def validated(text: str, model: type[BaseModel] | Any, *, many: bool = False) -> Any:
    """Parse ``--json`` output; check it against the schema and re-validate it."""
    data = json.loads(text)
    adapter: TypeAdapter[Any] = TypeAdapter(list[model] if many else model)
    try:
        import jsonschema
    except ImportError:  # pragma: no cover - jsonschema is optional
        pass
    else:
        jsonschema.validate(data, adapter.json_schema(mode="serialization"))
    return adapter.validate_python(data)


def wait_for_state(
    tmp_path: Path, site: EmulatedSite | None, job_id: int, states: set[JobState], env: dict[str, str] | None = None
) -> JobInfo:
    deadline = time.monotonic() + 60
    while True:
        done = cli(tmp_path, "jobs", "--json", site=site, env=env)
        assert done.returncode == 0, done.stderr
        jobs = {j.job_id: j for j in validated(done.stdout, JobInfo, many=True)}
        if job_id in jobs and jobs[job_id].state in states:
            return jobs[job_id]
        assert time.monotonic() < deadline, f"job {job_id} never reached {states}: {jobs.get(job_id)}"
        time.sleep(0.5)
