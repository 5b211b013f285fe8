"""The PySide6 layer: widgets, the table model and the worker helper, thin over :mod:`gui.core`."""
