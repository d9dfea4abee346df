#!/usr/bin/env python3
"""Writes the fuzzer's seed corpus (tests/fuzz/corpus/): for each configuration of
fuzz_check.hpp, inputs whose values are moderate, huge, tiny and special (NaN, +-inf, +-max).
Deterministic; run from anywhere: make_seeds.py [OUT_DIR]."""
import os
import random
import sys

CONFIGS = 5          # check_input: first byte % 5 picks the sizes
VALUES = 160         # enough 3-byte values for the largest configuration, plus mask bytes


def seed(config, kinds, rng):
    out = bytearray([config])
    for _ in range(VALUES):
        out += bytes([rng.choice(kinds), rng.randrange(256), rng.randrange(256)])
    out += bytes(rng.randrange(256) for _ in range(64))
    return bytes(out)


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")
    os.makedirs(out_dir, exist_ok=True)
    rng = random.Random(20261127)
    flavours = {
        "moderate": [0, 1, 2, 3],
        "wide": [0, 4],
        "huge": [0, 5, 5],
        "tiny": [0, 6],
        "special": [0, 0, 0, 7],
        "mixed": [0, 1, 4, 5, 6, 7],
    }
    for config in range(CONFIGS):
        for name, kinds in flavours.items():
            with open(os.path.join(out_dir, f"c{config}_{name}"), "wb") as f:
                f.write(seed(config, kinds, rng))


if __name__ == "__main__":
    main()
