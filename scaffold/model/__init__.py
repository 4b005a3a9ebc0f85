"""Pure values, no I/O: the Endpoint, the status matrix, the layout scaffold.toml describes,
change sets, findings and the report of `check`."""
