"""pytest plugin: the taurus_site fixture (an emulated site) for downstream projects."""
