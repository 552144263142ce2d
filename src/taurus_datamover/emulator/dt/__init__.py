"""The emulated ZIH datamover tools (``dt*``), run through Slurm or a local batch queue.

:mod:`.transfer` runs the transfer tools, :mod:`.manage` dtqueue/dtq, dtcancel and dtinfo;
:mod:`.mode` holds the site's settings (Slurm or the local queue of :mod:`.jobs`; the bandwidth).
"""
