from __future__ import annotations

# Sent as X-Version-Id and folded into every Etag, so a new release invalidates cached responses.
CURRENT_VERSION = "1.0.0"
