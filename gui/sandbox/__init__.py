"""A local emulator of lemlist, Instantly, Aktify and SendPilot, written from their published specs.

It is the app's demo mode, the test suite's provider and the benchmark target. It never imports
``gui.core.providers``: a misreading in a client must be caught here, not mirrored.
"""
