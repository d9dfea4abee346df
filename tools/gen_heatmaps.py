#!/usr/bin/env python3
"""Write the heatmaps of docs/heatmaps.md (docs/images/*.svg) with the example programs.

Usage:
  gen_heatmaps.py NOTEBOOK ATTENTION_MAPS OUTDIR
      run `NOTEBOOK --svg OUTDIR/notebook.svg` and
      `ATTENTION_MAPS OUTDIR/heads.svg OUTDIR/causal.svg`
  gen_heatmaps.py --check NOTEBOOK ATTENTION_MAPS COMMITTED_DIR WORKDIR
      write them to WORKDIR and compare byte for byte with COMMITTED_DIR (exit 1 if any
      differs, with a diff)

The one command that regenerates the committed images (it builds both programs first):
  meson compile -C build heatmaps
which runs this script with build/examples/notebook, build/examples/attention_maps and
docs/images. `meson test` checks they are current (test docs_heatmaps_current).
"""
import difflib
import os
import subprocess
import sys

IMAGES = ("notebook.svg", "heads.svg", "causal.svg")


def generate(notebook, maps, outdir):
    os.makedirs(outdir, exist_ok=True)
    subprocess.run([notebook, "--svg", os.path.join(outdir, "notebook.svg")], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([maps, os.path.join(outdir, "heads.svg"), os.path.join(outdir, "causal.svg")],
                   check=True)


def main(argv):
    if len(argv) == 4 and argv[1] != "--check":
        generate(*argv[1:4])
        for name in IMAGES:
            print("gen_heatmaps: wrote", os.path.join(argv[3], name))
        return 0
    if len(argv) == 6 and argv[1] == "--check":
        notebook, maps, committed, workdir = argv[2:6]
        generate(notebook, maps, workdir)
        stale = 0
        for name in IMAGES:
            old_path, new_path = os.path.join(committed, name), os.path.join(workdir, name)
            old = open(old_path, "rb").read() if os.path.exists(old_path) else b""
            new = open(new_path, "rb").read()
            if old == new:
                print("gen_heatmaps: %s is current" % old_path)
                continue
            stale += 1
            print("gen_heatmaps: %s differs from a fresh run (%s); regenerate with "
                  "`meson compile -C build heatmaps`:" % (old_path, new_path))
            diff = difflib.unified_diff(old.decode(errors="replace").splitlines(),
                                        new.decode(errors="replace").splitlines(),
                                        old_path, new_path, lineterm="", n=0)
            for i, line in enumerate(diff):
                if i == 30:
                    print("...")
                    break
                print(line)
        return 1 if stale else 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
