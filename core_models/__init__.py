"""Attention Workbench's models, data and training: pure Python + torch, never Qt."""

__version__ = "0.1.0"
