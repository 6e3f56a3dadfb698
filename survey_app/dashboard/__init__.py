"""The staff dashboards: shared context (filters, cached data), downloads and one module per page body."""
