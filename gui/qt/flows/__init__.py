"""The user's flows: one module per thing a user does, composed by the main window."""
