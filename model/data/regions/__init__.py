"""Data files only (see the package data in pyproject.toml)."""
