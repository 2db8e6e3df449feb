"""The reporting cycle's pages, one module each (see workflow/urls.py)."""
