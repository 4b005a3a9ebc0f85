"""The merged OpenAPI spec: fragments merged in build order, its problems located in the
fragments, validation alongside a scan, and the browsable page."""
