"""Organisation-wide pieces of the Django shell: the health check."""
