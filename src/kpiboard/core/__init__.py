"""Organisation-wide pieces of the Django shell: the home page and health check."""
