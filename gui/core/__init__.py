"""Pure Python core of LeadLoader: no Qt here (an import-linter contract checks it)."""
