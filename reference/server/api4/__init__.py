"""The REST API v4: routes, handlers and their tests, one module per resource."""
