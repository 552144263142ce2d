"""Pydantic models of what the tools print (files, workspaces, jobs)."""
