"""The I/O edge: opening a repo (recovery, then its layout), its files, the workspace planners
edit, the transaction that writes, the content-hash cache, and running the repo's own code."""
