"""Widgets the flows share; they know nothing of any flow."""
