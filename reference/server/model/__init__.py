"""Entities, errors, ids, roles and the Client4 driver: everything a client and the server share."""
