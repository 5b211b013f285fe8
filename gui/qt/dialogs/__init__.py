"""Qt layer: the app's dialogs (accounts, column fixes), each in its own module so they load on demand."""
