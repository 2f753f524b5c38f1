"""Write the development `.env` that `make install` leaves for a new user.

`python -m dxtasks.devenv [--port N] [--path FILE]` writes DEBUG=1, a freshly
generated SECRET_KEY and a SITE_URL for the chosen port, so that every
`manage.py` command of the README works from the project root without
exporting anything by hand. An existing file is never touched: it may hold
the user's own settings. Standard library only: it runs before the
virtualenv has Django.
"""

import argparse
import secrets
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def dotenv_text(port: int) -> str:
    return (
        "# Development settings written by `make install` (never overwritten: edit or delete it).\n"
        "# Production sets these in the environment instead; see README.md, Settings.\n"
        "DEBUG=1\n"
        f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
        f"SITE_URL=http://127.0.0.1:{port}\n"
    )


def write_dotenv(path: Path, port: int) -> bool:
    """Create the file unless it exists; True when it was written."""
    try:
        with open(path, "x", encoding="utf-8") as f:  # "x": fails if it exists, no race with a second make
            f.write(dotenv_text(port))
    except FileExistsError:
        return False
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000, help="port of the development server (default 8000)")
    parser.add_argument("--path", type=Path, default=BASE_DIR / ".env", help="file to write (default: .env)")
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error(f"--port must be between 1 and 65535, not {args.port}")
    if write_dotenv(args.path, args.port):
        print(f"wrote {args.path} (DEBUG=1, a new SECRET_KEY, SITE_URL=http://127.0.0.1:{args.port})")
    else:
        print(f"{args.path} exists; left as it is")
    return 0


if __name__ == "__main__":
    sys.exit(main())
