"""The errors :class:`~taurus_datamover.emulator.site.EmulatedSite` raises to its users (the
emulated tools report theirs as the real ones do, on stderr with an exit code), in the
package's one hierarchy: the root class comes from ``facts``, the wing's one import.
"""

from __future__ import annotations

from taurus_datamover.facts import TaurusDatamoverError


class EmulatorError(TaurusDatamoverError):
    """Base class of the errors of an emulated site."""


class SiteRootError(EmulatorError, ValueError):
    """The root of an :class:`~taurus_datamover.emulator.site.EmulatedSite` cannot be used."""


class EmulatorArgumentError(EmulatorError, ValueError):
    """An argument refused before anything runs (an empty argv, a bandwidth that is no rate)."""


class FaultSpecError(EmulatorArgumentError):
    """A fault entry that cannot be used (unknown action, wrong types)."""


class SiteConfigError(EmulatorError, ValueError):
    """A ``site.json`` that cannot be used: ``path``, and ``key`` (dotted; empty: the whole file)."""

    def __init__(self, path: object, key: str, problem: str) -> None:
        super().__init__(str(path), key, problem)  # so that pickling makes it again
        self.path, self.key, self.problem = str(path), key, problem

    def __str__(self) -> str:
        where = f"key {self.key!r}" if self.key else "the file"
        fix = "correct it, or remove the file for the default site (a new EmulatedSite on this root writes it)"
        return f"{self.path}: {where} {self.problem}; {fix}"


class JobFileError(EmulatorError, ValueError):
    """A file of the local queue (``jobs/<id>.json``) that is no job record: names it."""


class SlurmUnavailableError(EmulatorError, RuntimeError):
    """``slurm=True`` was asked for, but no Slurm with a ``datamover`` partition answers."""


class ZihViewUnavailableError(EmulatorError, RuntimeError):
    """``zih_paths=True``, but this machine cannot make a private mount namespace (says why)."""
