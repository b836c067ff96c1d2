"""Run the test server as its own process, for tests whose client runs outside pytest.

    python -m tests.ghserver --port 0 --state-file state.json [--standard] [--seed seed.json]

Line 1 of stdout is the server's URL. The state is written to ``--state-file`` (as JSON) after
every change and is also served at ``GET /_test/state``. SIGTERM or SIGINT stops it.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from . import GitHubServer, seed_standard


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.ghserver", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--state-file", type=Path, help="write the state here as JSON")
    parser.add_argument(
        "--standard",
        action="store_true",
        help="seed token 'test-token' (github-actions[bot], write) and repo octo-org/research",
    )
    parser.add_argument("--seed", type=Path, help="a JSON seed file, as POST /_test/seed takes")
    args = parser.parse_args(argv)

    server = GitHubServer(args.host, args.port, state_file=args.state_file)
    if args.standard:
        seed_standard(server)
    if args.seed:
        try:
            server.seed(json.loads(args.seed.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as error:
            print(f"{args.seed}: cannot seed the server: {error!r}", file=sys.stderr)
            return 2
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    server.start()
    print(server.url, flush=True)
    stopped.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
