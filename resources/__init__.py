"""Bundled models, their training configs and a GloVe subset: package data installed as
``core_models.resources`` (see pyproject.toml); find them with ``core_models.paths``."""
