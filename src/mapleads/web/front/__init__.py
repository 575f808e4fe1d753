"""Pages, the shared layout, static files and the security-header middleware."""
