"""A small Mattermost-style REST API v4 server."""
