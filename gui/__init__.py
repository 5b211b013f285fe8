"""LeadLoader: spreadsheet leads into lemlist, Instantly, Aktify and SendPilot campaigns."""

__version__ = "0.1.0"
