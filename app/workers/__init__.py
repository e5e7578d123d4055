"""Work that must not run on the GUI thread: the latest-job worker thread that decodes as the user
types (``latest_job``), and a training run in a worker process (``training_process``) with its
GUI-side controller (``training``). QtCore at most: the state layer drives these, views never
see them."""
