"""The emulated ZIH datamover tools (``dt*``), run through Slurm or a local batch queue."""
