"""The open, read-only JSON API under /api/, described by /api/openapi.json."""
