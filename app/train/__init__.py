"""The Train view: train a model from the GUI and watch its attention form.

``from app.train.view import TrainView``; ``python -m app.train`` runs it on its own. This package
file imports nothing, so the spawned training process (``app.train.process``) never loads Qt.
"""
