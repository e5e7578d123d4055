"""The Train view: train a model from the GUI and watch its attention form.

``from app.train.view import TrainView``; ``python -m app.train`` runs it on its own. The run itself
happens in a worker process (``app.workers.training_process``), which never loads Qt.
"""
