"""The interface's translations: ``workbench_<language>.ts`` (Qt Linguist sources, kept in the
repository and refreshed with ``python -m app.i18n.update``), compiled to ``.qm`` by
``pyside6-lrelease`` when the package is built (``setup.py``), or on first use into the user cache
directory when the package was not built (a source checkout); ``app.i18n.language`` picks the
language and installs the translators."""
