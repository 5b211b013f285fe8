"""Sandbox fixtures (owned by the sandbox issue): a provider emulator on 127.0.0.1."""
