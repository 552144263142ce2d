"""The errors :class:`~taurus_datamover.emulator.site.EmulatedSite` raises to its users.

The emulated tools report their own errors as the real tools do (text on stderr and an
exit code); these are the errors of the Python side of the site. They belong to the
package's one hierarchy: the root class comes from ``facts``, the one module of the
library the emulator imports.
"""

from __future__ import annotations

from taurus_datamover.facts import TaurusDatamoverError

__all__ = ["EmulatorError", "SiteRootError", "SlurmUnavailableError", "ZihViewUnavailableError"]


class EmulatorError(TaurusDatamoverError):
    """Base class of the errors of an emulated site."""


class SiteRootError(EmulatorError, ValueError):
    """The root of an :class:`~taurus_datamover.emulator.site.EmulatedSite` cannot be used."""


class SlurmUnavailableError(EmulatorError, RuntimeError):
    """``slurm=True`` was asked for, but no Slurm with a ``datamover`` partition answers."""


class ZihViewUnavailableError(EmulatorError, RuntimeError):
    """``zih_paths=True`` was asked for, but this machine cannot make a private mount
    namespace (the message says why)."""
