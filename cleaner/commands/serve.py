"""`cleaner serve`: the HTTP API (FastAPI on uvicorn) over the same config and index as `cleaner run`."""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import sys
import warnings

from .common import (at_least_one, config_args, config_from, index_file, not_blank, port, positive,
                     say_not_learning)

DEFAULT_INDEX = "cleaner-index.sqlite"


def register(sub) -> None:
    """Add the `serve` parser."""
    p = sub.add_parser("serve", help="serve the HTTP API (clean, deduplicate, store) over a persistent index")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, loopback only)")
    p.add_argument("--port", type=port, default=8080, help="port (default: 8080)")
    p.add_argument("--index", metavar="PATH", default=DEFAULT_INDEX,
                   help=f"the SQLite dedup index, shared with `cleaner run --index`; the service keeps its documents in it too (default: {DEFAULT_INDEX})")
    p.add_argument("--max-body-mb", type=positive, default=16.0, help="largest request body in MB; bigger gets 413 (default: 16)")
    p.add_argument("--max-request-docs", metavar="N", type=at_least_one,
                   help="most documents in one request; a bigger batch gets 413 (default: the config's max_request_docs, 10000)")
    p.add_argument("--api-key",
                   help="require `Authorization: Bearer KEY` on every POST (default: $CLEANER_API_KEY; none: open)")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"],
                   help="the least severe of the server's log lines shown (default: info)")
    p.add_argument("--shutdown-timeout", metavar="SECONDS", type=positive, default=10.0,
                   help="on SIGTERM or Ctrl-C, how long requests in flight may take before their connections are "
                        "closed and the process ends (a client that stalls mid-body kept the server up; default: 10)")
    config_args(p)
    p.set_defaults(handler=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    """`cleaner serve`: load rules, models and the index once, then serve until stopped (SIGINT/SIGTERM)."""
    from ..service import Service, create_app
    from ..service.app import serve

    not_blank(args.index, "--index", f"give the index file, or leave --index out for ./{DEFAULT_INDEX}")
    not_blank(args.host, "--host", "give the address to bind, or leave --host out for 127.0.0.1 "
              "(0.0.0.0: every address)")
    not_blank(args.api_key, "--api-key", "give the key clients must send, or leave --api-key out for $CLEANER_API_KEY")
    from_env = os.environ.get("CLEANER_API_KEY")
    if args.api_key is None:
        not_blank(from_env, "$CLEANER_API_KEY", "give the key clients must send, or unset it to serve without one")
    api_key = (args.api_key or from_env or "").strip() or None
    if bad := next((c for c in api_key or "" if not "!" <= c <= "~"), None):
        print(f"cleaner: {'--api-key' if args.api_key else '$CLEANER_API_KEY'}: should be letters, digits and ASCII "
              f"punctuation, which every HTTP client sends alike in a header; got {bad!r} in it", file=sys.stderr)
        return 2
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET  # as uvicorn binds it (`::1`, `::`)
    try:  # before the models load: a port in use is a usage error, not uvicorn's start-up failure (exit 3)
        with socket.create_server((args.host, args.port), family=family):
            pass
    except OSError as exc:
        print(f"cleaner: cannot serve on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    if not api_key and not _loopback(args.host):
        print(f"cleaner: warning: serving on {args.host} without an API key: anyone who can reach it can write",
              file=sys.stderr)
    config = config_from(args, max_request_docs=args.max_request_docs)
    say_not_learning(config, "the service")
    warnings.filterwarnings("ignore", "learn_boilerplate is for")  # the Pipeline's own, at the first request
    service = Service(config, index_file(args.index))
    app = create_app(service, max_body_bytes=int(args.max_body_mb * 1024 * 1024), api_key=api_key)
    started = serve(app, host=args.host, port=args.port, log_level=args.log_level,
                    timeout_graceful_shutdown=args.shutdown_timeout)
    return 0 if started else 3  # uvicorn's code for a server that did not start


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
