"""Writing a generated file, or checking that the committed one is what its sources make."""
import os
import sys


def write_or_check(out, text, check, tool):
    """With check: 0 when `out` holds `text`, else 1 and a message naming `tool`. Else writes `out` atomically."""
    if check:
        try:
            with open(out, encoding="utf-8") as f:
                current = f.read()
        except OSError:
            current = None
        if current != text:
            print("%s is stale: run %s" % (out, tool), file=sys.stderr)
            return 1
        return 0
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, out)
    return 0
