"""LeadLoader: spreadsheet leads into lemlist, Instantly, Aktify and SendPilot campaigns."""

import time as _time

__version__ = "0.1.0"

#: When the first ``gui`` module was imported: the cold-start clock's origin where the process start
#: time cannot be read (the desktop app reports its start-up time from it; see gui.qt.app).
IMPORTED_AT = _time.perf_counter()
