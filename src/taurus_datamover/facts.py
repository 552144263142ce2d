"""What the library and the emulated site both know about a ZIH-like site, written once, so
the two never drift apart. It imports nothing (not even the standard library): the emulator,
a wing, may import it and nothing else; for the same reason it holds two pieces of glue every
room may import: the root of the error hierarchy and ``LazyNames`` (PEP 562 front doors).
"""


class TaurusDatamoverError(Exception):
    """Base class of every error raised by taurus_datamover (``errors.py`` re-exports it)."""


class LazyNames:
    """A package's public names, each imported from its module on first use, so that a light
    part (an emulated tool, one parser family) does not load pydantic or the rest.
    ``namespace``: the package's ``globals()``; :meth:`load` is its ``__getattr__``."""

    def __init__(self, namespace: dict[str, object], modules: dict[str, str]) -> None:
        #: ``{"module": "Name Other ..."}`` becomes ``{"Name": "module", "Other": "module"}``.
        self.modules = {name: module for module, names in modules.items() for name in names.split()}
        self._namespace = namespace

    def load(self, name: str) -> object:
        module = self.modules.get(name)
        if module is None:
            raise AttributeError(f"module {self._namespace['__name__']!r} has no attribute {name!r}")
        value = getattr(__import__(module, fromlist=["_"]), name)
        self._namespace[name] = value
        return value

    def names(self) -> list[str]:
        return sorted({*self._namespace, *self.modules})


#: The datamover's transfer tools, each the coreutils/rsync/tar/wget command of the same
#: name run as a Slurm job on a data-transfer node.
TRANSFER_TOOLS = ("dtls", "dtcp", "dtmv", "dtrm", "dtrsync", "dttar", "dtwget")
#: The datamover's job-management tools.
MANAGE_TOOLS = ("dtinfo", "dtqueue", "dtq", "dtcancel")

#: Extra directories searched for the ``dt*`` / ``ws_*`` tools (``os.pathsep``-separated).
DATAMOVER_PATH_ENV = "TAURUS_DATAMOVER_PATH"
WS_PATH_ENV = "TAURUS_WS_PATH"
#: Where ZIH installs them.
DATAMOVER_SITE_DIRS = ("/sw/taurus/tools/slurmtools/default/bin",)
WS_SITE_DIRS = ("/usr/bin",)

#: The emulated tools find their site (its root folder) and their user in these variables.
EMULATOR_ROOT_ENV = "TAURUS_EMULATOR_ROOT"
EMULATOR_USER_ENV = "TAURUS_EMULATOR_USER"
#: The emulated site's clock: this variable, else this file in the site root, as epoch
#: seconds or ISO 8601 (naive means UTC); neither: the real time.
EMULATOR_NOW_ENV = "TAURUS_EMULATOR_NOW"
EMULATOR_CLOCK_FILE = "clock"
#: The emulated site's faults: JSON in this variable (one process tree, Slurm jobs
#: included), or in this file in the site root.
EMULATOR_FAULT_ENV = "TAURUS_EMULATOR_FAULT"
EMULATOR_FAULT_FILE = "faults.json"
#: Set inside a ZIH view of the emulated site (its mounts, as JSON).
EMULATOR_VIEW_ENV = "TAURUS_EMULATOR_VIEW"

#: hpc-workspace's rule for workspace names (both generations).
WORKSPACE_NAME_RULE = r"[A-Za-z0-9][A-Za-z0-9._-]*"
#: The longest name whose released entry ``<user>-<name>-<unix time>`` still fits in a file
#: name (255 bytes) for a user name of up to 32 characters (``useradd``'s limit).
MAX_WORKSPACE_NAME_LENGTH = 255 - 32 - 1 - 1 - 10
#: File system names as the tools print them (``ws_list -l``).
FILESYSTEM_NAME_RULE = r"[A-Za-z0-9_.][A-Za-z0-9_.-]*"
#: Released ids as ``ws_restore -l`` prints them: ``<user>-<name>-<unix time>``.
RELEASED_ID_RULE = r"[A-Za-z0-9][A-Za-z0-9._-]*-[0-9]+"

#: Slurm's job states and squeue's compact codes for them (``squeue -o %t``).
SLURM_STATE_CODES = {
    "PENDING": "PD",
    "CONFIGURING": "CF",
    "REQUEUED": "RQ",
    "RESIZING": "RS",
    "SUSPENDED": "S",
    "RUNNING": "R",
    "COMPLETING": "CG",
    "STAGE_OUT": "SO",
    "COMPLETED": "CD",
    "FAILED": "F",
    "CANCELLED": "CA",
    "TIMEOUT": "TO",
    "NODE_FAIL": "NF",
    "PREEMPTED": "PR",
    "BOOT_FAIL": "BF",
    "DEADLINE": "DL",
    "OUT_OF_MEMORY": "OOM",
    "REVOKED": "RV",
    "SIGNALING": "SI",
    "SPECIAL_EXIT": "SE",
    "STOPPED": "ST",
    "REQUEUE_FED": "RF",
    "REQUEUE_HOLD": "RH",
    "RESV_DEL_HOLD": "RD",
}
