"""The main window's panels: model picker and card, translate and NLI inputs, the views, compare."""
