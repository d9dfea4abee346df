#!/usr/bin/env python3
"""Look at ctattn's heatmaps (ctattn/svg.hpp) as a user would.

Usage:
  check_svg.py xml    WORKDIR NOTEBOOK ATTENTION_MAPS SVG_CASES NOTEBOOK_EXPECTED
  check_svg.py numpy  WORKDIR NOTEBOOK ATTENTION_MAPS SVG_CASES ENCODER_DATA
  check_svg.py render WORKDIR NOTEBOOK ATTENTION_MAPS SVG_CASES

Both first run the programs: `NOTEBOOK --svg`, `ATTENTION_MAPS HEADS CAUSAL`, `SVG_CASES DIR`,
writing into WORKDIR.

xml: every SVG parses as XML (xml.etree); every cell's fill is the colour of its weight on the
scale stated in ctattn/svg.hpp, recomputed here from that statement; the legend's gradient too;
the scale is inside the sRGB gamut and its lightness falls as stated (L* = 97 - 77 w, read back
from the bytes). Then what each picture is about:
  notebook.svg   cell (key m, query n) holds the weight the notebook printed for output n
                 (tests/data/notebook_expected.txt): the book's layout, keys are rows;
  heads.svg      4 panels of 8 x 8, every column sums to 1;
  causal.svg     the same, zero below the diagonal (key m after query n), and heads.svg's
                 columns renormalised over the keys m <= n;
  cases          float and q15_16 columns sum to 1 (q15_16 weights are multiples of 2^-16),
                 hostile labels come back as the text given (escaped, repaired UTF-8), NaN and
                 out-of-range weights, label thinning and rotation, masks, panels.

numpy: heads.svg and causal.svg equal a numpy computation of the encoder's first layer from
examples/encoder_data.hpp (Debian's /usr/bin/python3 is used when this python3 has no numpy;
exit 77, skipped, when neither has it).

render: rsvg-convert (Debian librsvg2-bin) renders every SVG to PNG; the PNG (read here with
zlib and struct) has each cell's colour inside the cell (at its centre when no value is printed
there, beside the value otherwise) and the legend's colours at its ticks. Exit 77 (skipped)
when rsvg-convert is missing.
"""
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib

NS = {"s": "http://www.w3.org/2000/svg"}
FAILURES = []


def check(cond, msg):
    if not cond:
        FAILURES.append(msg)
    return cond


# ---- the colour scale, from its statement in ctattn/svg.hpp -----------------------------------

STOPS = [(0.0, (97.0, -3.0, 12.0)), (0.5, (58.5, -32.0, -8.0)), (1.0, (20.0, 20.0, -46.0))]
WHITE = (0.95047, 1.0, 1.08883)  # D65
XYZ_TO_RGB = [(3.2404542, -1.5371385, -0.4985314),
              (-0.9692660, 1.8760108, 0.0415560),
              (0.0556434, -0.2040259, 1.0572252)]


def lab_at(w):
    (w0, a), (w1, b) = (STOPS[0], STOPS[1]) if w <= 0.5 else (STOPS[1], STOPS[2])
    t = (w - w0) / (w1 - w0)
    return tuple(a[i] + (b[i] - a[i]) * t for i in range(3))


def lab_to_linear_rgb(lab):
    L, a, b = lab
    fy = (L + 16) / 116
    delta = 6 / 29

    def finv(t):
        return t ** 3 if t > delta else 3 * delta ** 2 * (t - 4 / 29)

    xyz = (WHITE[0] * finv(fy + a / 500), WHITE[1] * finv(fy), WHITE[2] * finv(fy - b / 200))
    return [sum(row[i] * xyz[i] for i in range(3)) for row in XYZ_TO_RGB]


def encode(c):
    c = min(max(c, 0.0), 1.0)
    e = 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055
    return math.floor(255 * e + 0.5)


def expected_fill(w):
    if math.isnan(w):
        return "#808080"
    w = min(max(w, 0.0), 1.0)
    return "#%02x%02x%02x" % tuple(encode(c) for c in lab_to_linear_rgb(lab_at(w)))


def lightness_of(fill):
    """CIELAB L* of an sRGB byte triple (standard inverse formulas)."""
    lin = []
    for i in (1, 3, 5):
        v = int(fill[i:i + 2], 16) / 255
        lin.append(v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4)
    y = 0.2126729 * lin[0] + 0.7151522 * lin[1] + 0.0721750 * lin[2]
    return 116 * y ** (1 / 3) - 16 if y > (6 / 29) ** 3 else 24389 / 27 * y


def check_scale():
    # The conversion itself against known colours: L* 50 grey is #777777, L* 100 is white.
    check(expected_fill_lab((50, 0, 0)) == "#777777", "scale: Lab(50,0,0) is not #777777")
    check(expected_fill_lab((100, 0, 0)) == "#ffffff", "scale: Lab(100,0,0) is not #ffffff")
    worst_gamut, worst_l = 0.0, 0.0
    for k in range(2001):
        w = k / 2000
        rgb = lab_to_linear_rgb(lab_at(w))
        worst_gamut = max(worst_gamut, -min(rgb), max(rgb) - 1)
        worst_l = max(worst_l, abs(lightness_of(expected_fill(w)) - (97 - 77 * w)))
    check(worst_gamut <= 0, "scale leaves the sRGB gamut by %g" % worst_gamut)
    # 8-bit rounding moves L* by at most ~0.4
    check(worst_l < 0.5, "scale: L* read back from the bytes is off 97 - 77 w by %g" % worst_l)


def expected_fill_lab(lab):
    return "#%02x%02x%02x" % tuple(encode(c) for c in lab_to_linear_rgb(lab))


# ---- the SVG ------------------------------------------------------------------------------


def parse(path):
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as e:
        check(False, "%s: not well-formed XML: %s" % (path, e))
        return None


def panels(root):
    """[(panel element, {(m, n): (weight, rect)})] in document order."""
    out = []
    for g in root.iter("{%s}g" % NS["s"]):
        if g.get("class") != "panel":
            continue
        cells = {}
        for r in g.iter("{%s}rect" % NS["s"]):
            if r.get("data-weight") is not None:
                cells[(int(r.get("data-key")), int(r.get("data-query")))] = (
                    float(r.get("data-weight")), r)
        out.append((g, cells))
    return out


def check_svg(path):
    """Structure and fills of any of our SVGs; returns its panels."""
    root = parse(path)
    if root is None:
        return None, []
    name = os.path.basename(path)
    check(root.tag == "{%s}svg" % NS["s"], "%s: root is not svg" % name)
    ps = panels(root)
    check(len(ps) >= 1, "%s: no panel" % name)
    for i, (g, cells) in enumerate(ps):
        rows, cols = int(g.get("data-rows")), int(g.get("data-cols"))
        check(int(g.get("data-head")) == i, "%s: panels out of order" % name)
        check(set(cells) == {(m, n) for m in range(rows) for n in range(cols)},
              "%s panel %d: cells do not cover %d x %d" % (name, i, rows, cols))
        for (m, n), (w, r) in cells.items():
            want = expected_fill(w)
            check(r.get("fill") == want, "%s panel %d cell (%d, %d): weight %r has fill %s, "
                  "the scale says %s" % (name, i, m, n, w, r.get("fill"), want))
    stops = root.findall(".//s:linearGradient/s:stop", NS)
    check(len(stops) == 21, "%s: the legend has %d stops" % (name, len(stops)))
    for s in stops:
        t = float(s.get("offset"))
        check(s.get("stop-color") == expected_fill(t),
              "%s: legend stop %g is %s, the scale says %s"
              % (name, t, s.get("stop-color"), expected_fill(t)))
    return root, ps


def column_sums_ok(cells, rows, cols, tol):
    for n in range(cols):
        s = sum(cells[(m, n)][0] for m in range(rows))
        if abs(s - 1) > tol:
            return False
    return True


def labels(root):
    """Row and column label texts of the first panel (the <g font-size="12"> group)."""
    g = [g for g in root.iter("{%s}g" % NS["s"]) if g.get("class") == "panel"][0]
    lab = [x for x in g.findall("s:g", NS) if x.get("font-size") == "12"][0]
    cols = [t.text or "" for t in lab.findall("s:text", NS) if t.get("text-anchor") != "end"]
    rows = [t.text or "" for t in lab.findall("s:text", NS) if t.get("text-anchor") == "end"]
    return rows, cols


def half_unit(text):
    """Half a unit of the last digit of a printed number."""
    mant, _, exp = text.partition("e")
    frac = len(mant.partition(".")[2])
    return 0.5 * 10.0 ** (-frac + (int(exp) if exp else 0))


def check_notebook(path, expected_txt):
    root, ps = check_svg(path)
    if root is None:
        return
    cells = ps[0][1]
    lines = open(expected_txt, encoding="utf-8").read().splitlines()
    printed = {}
    for i, line in enumerate(lines):
        m = re.match(r"Attentions for output\s+(\d+)", line)
        if m:
            printed[int(m.group(1))] = re.findall(r"[-+0-9.e]+", lines[i + 1])
    check(len(printed) == 3, "notebook_expected.txt: %d attention lines" % len(printed))
    for n, nums in printed.items():
        for m, text in enumerate(nums):
            w = cells[(m, n)][0]
            check(abs(w - float(text)) <= half_unit(text) * (1 + 1e-9),
                  "notebook.svg: key %d query %d is %r, the notebook printed %s for output %d"
                  % (m, n, w, text, n))
    rows, cols = labels(root)
    check(rows == ["x\u2080", "x\u2081", "x\u2082"] and cols == rows,
          "notebook.svg: labels %r %r" % (rows, cols))


# ---- the encoder's first layer in numpy ---------------------------------------------------


def encoder_reference(header, causal):
    import numpy as np  # noqa: PLC0415 (only the numpy mode needs it)
    text = open(header, encoding="utf-8").read()

    def block(name):
        body = re.search(r"\b%s\{(.*?)\};" % name, text, re.S).group(1)
        return [float.fromhex(v) for v in re.findall(r"-?0x[0-9a-fA-Fp.+-]+", body)]

    d, n, h = 16, 8, 4
    dh = d // h
    x = np.array(block("x")).reshape(d, n)
    flat = block("params")
    pos = np.empty((d, n))
    for i in range(0, d, 2):
        for t in range(n):
            angle = t / 10000.0 ** (i / d)
            pos[i, t], pos[i + 1, t] = math.sin(angle), math.cos(angle)
    x = x + pos
    at = 0

    def take(*shape):
        nonlocal at
        size = int(np.prod(shape))
        a = np.array(flat[at:at + size]).reshape(shape)
        at += size
        return a

    out = []
    for _ in range(h):  # each head: omega_q, omega_k, omega_v, beta_q, beta_k, beta_v
        oq, ok, ov = take(dh, d), take(dh, d), take(dh, d)
        bq, bk, _bv = take(dh, 1), take(dh, 1), take(dh, 1)
        q, k = oq @ x + bq, ok @ x + bk
        s = (k.T @ q) / math.sqrt(dh)
        if causal:
            s = np.where(np.triu(np.ones((n, n), dtype=bool)), s, -np.inf)
        e = np.exp(s - s.max(axis=0))
        out.append(e / e.sum(axis=0))
    return out


def check_heads(path, causal):
    root, ps = check_svg(path)
    if root is None:
        return []
    name = os.path.basename(path)
    check(len(ps) == 4, "%s: %d panels, the encoder has 4 heads" % (name, len(ps)))
    for i, (_g, cells) in enumerate(ps):
        check(column_sums_ok(cells, 8, 8, 1e-12), "%s head %d: a column does not sum to 1"
              % (name, i))
        if causal:
            check(all(cells[(m, n)][0] == 0 for m in range(8) for n in range(m)),
                  "%s head %d: a key after its query has weight" % (name, i))
    return ps


def check_causal_law(plain, causal):
    """Masking renormalises: causal weight (m, n) = plain (m, n) / sum of plain (m' <= n, n)."""
    worst = 0.0
    for (_g, p), (_h, c) in zip(plain, causal):
        for n in range(8):
            total = math.fsum(p[(m, n)][0] for m in range(n + 1))
            for m in range(n + 1):
                worst = max(worst, abs(c[(m, n)][0] - p[(m, n)][0] / total))
    check(len(plain) == len(causal) == 4 and worst <= 1e-14,
          "causal.svg is not heads.svg renormalised over keys m <= n (worst %g)" % worst)


def check_heads_numpy(path, header, causal):
    root, ps = check_svg(path)
    if root is None:
        return
    name = os.path.basename(path)
    if not check(len(ps) == 4, "%s: %d panels, the encoder has 4 heads" % (name, len(ps))):
        return
    ref = encoder_reference(header, causal)
    worst = 0.0
    for i, (_g, cells) in enumerate(ps):
        for (m, n), (w, _r) in cells.items():
            worst = max(worst, abs(w - ref[i][m, n]))
    check(worst <= 1e-12, "%s: differs from numpy by %g" % (name, worst))
    print("%s: 4 heads x 64 weights within %.1e of numpy" % (name, worst))


# ---- the cases ------------------------------------------------------------------------------

HOSTILE_PARSED = ["<b>&\"'</b>", "tab\there", "bad\ufffd byte", "ctl\ufffd",
                  "\u00e9 \u20ac \U0001F600", "\ufffd\ufffd\ufffd"]


def check_cases(d):
    _, ps = check_svg(os.path.join(d, "float.svg"))
    if ps:
        check(column_sums_ok(ps[0][1], 3, 3, 1e-6), "float.svg: a column does not sum to 1")
    _, ps = check_svg(os.path.join(d, "fixed_q15_16.svg"))
    if ps:
        cells = ps[0][1]
        check(all((w * 65536).is_integer() for w, _ in cells.values()),
              "fixed_q15_16.svg: a weight is not a multiple of 2^-16")
        check(column_sums_ok(cells, 3, 3, 3 * 2.0 ** -16),
              "fixed_q15_16.svg: a column does not sum to 1")
    root, ps = check_svg(os.path.join(d, "cross.svg"))
    if root is not None:
        check(len(ps) == 1 and len(ps[0][1]) == 15, "cross.svg: not one 5 x 3 panel")
        check(labels(root) == (["k0", "k1", "k2", "k3", "k4"], ["q0", "q1", "q2"]),
              "cross.svg: labels %r" % (labels(root),))
        check(ps[0][1][(4, 2)][0] == 5 / 15, "cross.svg: cell (4, 2) is not key 4's weight")
    root, ps = check_svg(os.path.join(d, "hostile.svg"))
    if root is not None:
        rows, cols = labels(root)
        check(rows == HOSTILE_PARSED and cols == HOSTILE_PARSED,
              "hostile.svg: labels came back as %r / %r" % (rows, cols))
        title = root.find("s:title", NS).text
        check(title == "<&>\"' \ufffd", "hostile.svg: title came back as %r" % title)
        check(not [g for g in root.iter("{%s}g" % NS["s"]) if g.get("class") == "values"],
              "hostile.svg: values printed although hidden")
    root, ps = check_svg(os.path.join(d, "out_of_range.svg"))
    if ps:
        cells = ps[0][1]
        fills = {k: r.get("fill") for k, (_w, r) in cells.items()}
        check(math.isnan(cells[(0, 0)][0]) and fills[(0, 0)] == "#808080",
              "out_of_range.svg: NaN is not grey")
        check(fills[(0, 1)] == fills[(2, 0)] == expected_fill(0.0)
              and fills[(1, 0)] == fills[(1, 1)] == expected_fill(1.0),
              "out_of_range.svg: out-of-range weights not clamped")
    root, ps = check_svg(os.path.join(d, "large.svg"))
    if root is not None:
        rows, cols = labels(root)
        check(rows == ["token_%d" % i for i in range(0, 40, 2)] and cols == rows,
              "large.svg: not every other label: %r" % rows)
        rotated = [t for t in root.iter("{%s}text" % NS["s"])
                   if "rotate(-90)" in (t.get("transform") or "") and t.text in cols]
        check(len(rotated) == 20, "large.svg: column labels not rotated")
        check(column_sums_ok(ps[0][1], 40, 40, 1e-12), "large.svg: a column does not sum to 1")
    _, ps = check_svg(os.path.join(d, "mask.svg"))
    if ps:
        check(all(w == (1.0 if m <= n else 0.0) for (m, n), (w, _r) in ps[0][1].items()),
              "mask.svg: the mask's cells are not 1 where kept, 0 elsewhere")
    root, ps = check_svg(os.path.join(d, "two_heads.svg"))
    if root is not None:
        check(len(ps) == 2, "two_heads.svg: %d panels" % len(ps))
        xs = [min(float(r.get("x")) for _w, r in c.values()) for _g, c in ps]
        ys = [min(float(r.get("y")) for _w, r in c.values()) for _g, c in ps]
        check(xs[0] == xs[1] and ys[1] > ys[0], "two_heads.svg: panels not one per row")
        captions = [t.text for t in root.iter("{%s}text" % NS["s"]) if t.get("font-weight")]
        check(captions == ["head 0", "head 1"], "two_heads.svg: captions %r" % captions)


# ---- rendering ------------------------------------------------------------------------------


def read_png(path):
    """(width, height, rows of (r, g, b) tuples) of an 8-bit RGB or RGBA PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype, _c, _f, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and ctype in (2, 6) and interlace == 0, "unsupported PNG"
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    bpp = 4 if ctype == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev, i = [], bytes(stride), 0
    for _ in range(height):
        f = raw[i]
        line = raw[i + 1:i + 1 + stride]
        i += 1 + stride
        if f == 2:  # Up, the commonest: no dependency along the row
            line = bytes([(u + v) & 255 for u, v in zip(line, prev)])
        elif f != 0:
            out = bytearray(line)
            for x in range(stride):
                a = out[x - bpp] if x >= bpp else 0
                if f == 1:
                    out[x] = (out[x] + a) & 255
                    continue
                b = prev[x]
                if f == 3:
                    out[x] = (out[x] + ((a + b) >> 1)) & 255
                    continue
                c = prev[x - bpp] if x >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                out[x] = (out[x] + (a if pa <= pb and pa <= pc else (b if pb <= pc else c))) & 255
            line = bytes(out)
        rows.append(line)
        prev = line
    # pixel (col, row) as (r, g, b)
    return width, height, [_Row(r, bpp) for r in rows]


class _Row:
    """One unfiltered PNG row, indexed by column."""

    def __init__(self, data, bpp):
        self.data, self.bpp = data, bpp

    def __getitem__(self, col):
        return tuple(self.data[col * self.bpp:col * self.bpp + 3])


def rgb_of(fill):
    return tuple(int(fill[i:i + 2], 16) for i in (1, 3, 5))


def check_render(svg_path, png_dir):
    root, ps = check_svg(svg_path)
    if root is None:
        return
    name = os.path.basename(svg_path)
    png = os.path.join(png_dir, name[:-4] + ".png")
    proc = subprocess.run(["rsvg-convert", "-o", png, svg_path], check=False,
                          capture_output=True, text=True)
    if not check(proc.returncode == 0, "%s: rsvg-convert failed: %s" % (name, proc.stderr)):
        return
    width, height, img = read_png(png)
    check((width, height) == (math.ceil(float(root.get("width"))),
                              math.ceil(float(root.get("height")))),
          "%s: rendered %d x %d" % (name, width, height))
    samples = 0
    for g, cells in ps:
        has_values = any(x.get("class") == "values" for x in g.findall("s:g", NS))
        for (m, n), (w, r) in cells.items():
            x, y = float(r.get("x")), float(r.get("y"))
            size = float(r.get("width"))
            # a pixel wholly inside the cell: its centre, or a fifth of the way in from the
            # top-left corner when a value is printed at the centre
            points = [(x + 0.2 * size, y + 0.2 * size)]
            if not has_values:
                points.append((x + size / 2, y + size / 2))
            for px, py in points:
                col, row = math.ceil(px), math.ceil(py)
                if col + 1 > x + size or row + 1 > y + size:
                    col, row = math.floor(px), math.floor(py)
                got = img[row][col]
                want = rgb_of(expected_fill(w))
                samples += 1
                check(max(abs(a - b) for a, b in zip(got, want)) <= 1,
                      "%s head %s cell (%d, %d), pixel (%d, %d): rendered %s, weight %r wants %s"
                      % (name, g.get("data-head"), m, n, col, row, got, w, want))
    bar = [r for r in root.iter("{%s}rect" % NS["s"]) if (r.get("fill") or "").startswith("url(")]
    if check(len(bar) == 1, "%s: no legend bar" % name):
        bx, by = float(bar[0].get("x")), float(bar[0].get("y"))
        bw, bh = float(bar[0].get("width")), float(bar[0].get("height"))
        for t in (0.1, 0.25, 0.5, 0.75, 0.9):
            # the pixel row nearest t, and the gradient there: sRGB interpolated between the
            # two stops (every 0.05) around the row's centre
            row = int(by + (1 - t) * bh)
            tc = 1 - (row + 0.5 - by) / bh
            k = min(int(tc * 20), 19)
            lo, hi = rgb_of(expected_fill(k / 20)), rgb_of(expected_fill((k + 1) / 20))
            f = tc * 20 - k
            want = tuple(a + (b - a) * f for a, b in zip(lo, hi))
            got = img[row][int(bx + bw / 2)]
            check(max(abs(a - b) for a, b in zip(got, want)) <= 2,
                  "%s: legend at %g rendered %s, the scale says %s" % (name, tc, got, want))
    print("%s: %d cell pixels of the rendering match the scale" % (name, samples))


# ---- main -----------------------------------------------------------------------------------


def generate(workdir, notebook, maps, cases):
    if os.path.isdir(workdir):
        shutil.rmtree(workdir)
    os.makedirs(os.path.join(workdir, "cases"))
    for cmd in ([notebook, "--svg", os.path.join(workdir, "notebook.svg")],
                [maps, os.path.join(workdir, "heads.svg"), os.path.join(workdir, "causal.svg")],
                [cases, os.path.join(workdir, "cases")]):
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    files = [os.path.join(workdir, f) for f in ("notebook.svg", "heads.svg", "causal.svg")]
    files += sorted(os.path.join(workdir, "cases", f)
                    for f in os.listdir(os.path.join(workdir, "cases")))
    return files


def main(argv):
    if len(argv) < 6 or argv[1] not in ("xml", "numpy", "render"):
        sys.stderr.write(__doc__)
        return 2
    mode, workdir, notebook, maps, cases = argv[1:6]
    if mode == "render" and shutil.which("rsvg-convert") is None:
        print("SKIP: rsvg-convert not found (install librsvg2-bin)")
        return 77
    if mode == "numpy":
        try:
            import numpy  # noqa: F401,PLC0415
        except ImportError:
            debian = "/usr/bin/python3"
            if os.access(debian, os.X_OK) and os.path.realpath(sys.executable) != debian:
                return subprocess.run([debian] + argv, check=False).returncode
            print("SKIP: numpy not found (install python3-numpy)")
            return 77
    files = generate(workdir, notebook, maps, cases)
    check(len(files) == 11, "expected 11 SVGs, got %d" % len(files))
    if mode == "xml":
        check_scale()
        check_notebook(files[0], argv[6])
        check_causal_law(check_heads(files[1], causal=False),
                         check_heads(files[2], causal=True))
        check_cases(os.path.join(workdir, "cases"))
    elif mode == "numpy":
        check_heads_numpy(files[1], argv[6], causal=False)
        check_heads_numpy(files[2], argv[6], causal=True)
    else:
        for f in files:
            check_render(f, workdir)
    for f in FAILURES[:40]:
        print("FAIL:", f)
    if FAILURES:
        print("%d failures" % len(FAILURES))
        return 1
    print("check_svg %s: %d SVGs pass" % (mode, len(files)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
