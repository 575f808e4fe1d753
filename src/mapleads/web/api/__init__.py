"""The REST API (django-ninja, OpenAPI 3 at /api/docs) and the API keys that authenticate it."""
