"""Persistence: the store interfaces (store.py) and their SQLite implementation (sqlstore/)."""
