"""A child process for the tests of cqo.lib.sheets.Child: echoes its payload as frames."""

import pickle
import sys

from cqo.lib import sheets

if __name__ == "__main__":
    payload = pickle.load(sys.stdin.buffer)  # noqa: S301  (the test's own payload)
    if payload == "die":
        sys.stderr.write("dying on purpose\n")
        raise SystemExit(3)
    for item in payload:
        sheets.write_frame(sys.stdout.buffer, "item", item)
    sheets.write_frame(sys.stdout.buffer, "end", None)
