#!/usr/bin/env python3
"""Extract what the self-attention notebook printed into tests/data/notebook_expected.txt.

Input: the notebook exported as text (the seed copy the project started from,
self_attention_notebook.txt, udlbook notebook 12.1 with its stored outputs). Output: the lines
the notebook printed on stdout, in order, which examples/notebook must print identically:

  - cell 5, print(all_x): from the line starting "[array(" to the line ending "])]";
  - cell 11: every "Attentions for output  n" line and the weights line after it;
  - cell 12: every line starting "x_prime_" (the print() calls themselves start "print(").

Not copied: numpy's DeprecationWarning (stderr) and the notebook's prose and code.

Usage: python3 tools/extract_notebook_output.py NOTEBOOK.txt [OUTPUT]   (default: stdout)
"""
import sys

from genout import emit


def extract(lines):
    out = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("[array("):
            while True:
                out.append(lines[i])
                if lines[i].endswith("])]"):
                    break
                i += 1
        elif line.startswith("Attentions for output "):
            out.append(line)
            out.append(lines[i + 1])
            i += 1
        elif line.startswith("x_prime_"):
            out.append(line)
        i += 1
    return out


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        lines = f.read().splitlines()
    emit("\n".join(extract(lines)) + "\n", argv[2] if len(argv) > 2 else None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
