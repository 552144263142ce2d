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


class SlurmUnavailableError(EmulatorError, RuntimeError):
    """``slurm=True`` was asked for, but no Slurm with a ``datamover`` partition answers."""


class ZihViewUnavailableError(EmulatorError, RuntimeError):
    """``zih_paths=True``, but this machine cannot make a private mount namespace (says why)."""
