#!/usr/bin/env python3
"""Print the public headers under INCLUDE_DIR (one per line, as `ctattn/x.hpp`), sorted.

    list_headers.py INCLUDE_DIR              print the list (meson reads it at configure time)
    list_headers.py INCLUDE_DIR --check H... fail unless H... is exactly the current list
                                             (a header added since meson was configured)
"""
import os
import sys


def headers(include_dir):
    found = []
    for root, _dirs, files in os.walk(os.path.join(include_dir, "ctattn")):
        for name in files:
            if name.endswith(".hpp"):
                found.append(os.path.relpath(os.path.join(root, name), include_dir))
    return sorted(p.replace(os.sep, "/") for p in found)


def main(argv):
    current = headers(argv[0])
    if len(argv) > 1 and argv[1] == "--check":
        configured = sorted(argv[2:])
        if configured != current:
            print("the header list is stale: reconfigure meson (meson setup --reconfigure)\n"
                  f"configured: {configured}\ncurrent:    {current}")
            return 1
        print(f"{len(current)} headers, each compiled alone: {' '.join(current)}")
        return 0
    print("\n".join(current))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
