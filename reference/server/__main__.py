"""python -m server [--port N] [--db PATH]: serve the API on 127.0.0.1."""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn

from server.api4.api import init_api
from server.app.app import App
from server.store.sqlstore import SqlStore

DEFAULT_PORT = 8065
# Under the repository root, so the data survives restarts whatever the working directory.
DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "data" / "server.db"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m server", description=__doc__)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port to listen on")
    parser.add_argument(
        "--db", type=Path, default=DEFAULT_DB_PATH, help="SQLite database file (created if absent)"
    )
    args = parser.parse_args(argv)

    db_path: Path = args.db
    db_path.parent.mkdir(parents=True, exist_ok=True)
    store = SqlStore(str(db_path))
    try:
        uvicorn.run(init_api(App(store)), host="127.0.0.1", port=args.port)
    finally:
        store.close()


if __name__ == "__main__":
    main()
