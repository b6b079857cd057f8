#!/usr/bin/env python3
"""Dev-time generator of the test vectors in test/fixtures/random/*.json.

Runs the pure-Python description of PyTorch 1.13.1's CPU random streams
(torch_rng_reference.py, checked bit-exact against real PyTorch) and writes what it
produces, so the TypeScript tests need neither Python nor torch at run time.

    python3 scripts/gen-random-vectors.py [--reference DIR] [--out DIR]

The libm vectors (log/sin/cos) come from Python's math module, i.e. from the C
library of the machine running this script. They are only meaningful when that is
glibc 2.36 on an x86-64 CPU with FMA/AVX2 (Debian 12, the platform of the oracle):
the script refuses to write them elsewhere unless --force-libm is given.

Bulk arrays are stored as base64 of little-endian float32/float64/int64 bytes;
small ones as JSON numbers (shortest round-trip decimals, exact for doubles).
"""
import argparse
import base64
import json
import math
import os
import platform
import random
import struct
import sys
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def b64_f32(vals):
    return base64.b64encode(struct.pack("<%df" % len(vals), *vals)).decode()


def b64_f64(vals):
    return base64.b64encode(struct.pack("<%dd" % len(vals), *vals)).decode()


def b64_i64(vals):
    return base64.b64encode(struct.pack("<%dq" % len(vals), *vals)).decode()


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def fma64(a, b, c):
    """Exact double fma (one rounding) via rationals; float(Fraction) rounds correctly."""
    q = Fraction(a) * Fraction(b) + Fraction(c)
    if q == 0:
        # exact zero: IEEE gives -0 only when both a*b and c are negative zeros/negative
        prod_neg = (math.copysign(1, a) * math.copysign(1, b)) < 0
        if prod_neg and math.copysign(1, c) < 0:
            return -0.0
        return 0.0
    try:
        return float(q)
    except OverflowError:
        return math.inf if q > 0 else -math.inf


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reference", default="/work/shared/oracle",
                    help="directory holding torch_rng_reference.py")
    ap.add_argument("--out", default=os.path.join(ROOT, "test", "fixtures", "random"))
    ap.add_argument("--force-libm", action="store_true")
    args = ap.parse_args()
    sys.path.insert(0, args.reference)
    import torch_rng_reference as R  # noqa: E402

    os.makedirs(args.out, exist_ok=True)
    G = R.Generator

    def dump(name, obj):
        path = os.path.join(args.out, name)
        with open(path, "w") as fh:
            json.dump(obj, fh, separators=(",", ":"))
            fh.write("\n")
        print("wrote", os.path.relpath(path, ROOT), os.path.getsize(path), "bytes")

    meta = {"generator": "scripts/gen-random-vectors.py", "spec": "torch_rng_reference.py (PyTorch 1.13.1, x86-64 AVX2)"}

    # ------------------------------------------------------------ engine + uniforms
    engine = {"meta": meta, "raw": [], "random64": [], "rand_f32": [], "rand_f64": [], "initial_seed": []}
    for seed, count in [(0, 1300), (1, 20), (5489, 20), (2**32 - 1, 20), (2**32 + 7, 20), (-1, 20), (67280421310721, 20)]:
        g = G(seed)
        engine["raw"].append({"seed": str(seed), "values": [g.random() for _ in range(count)]})
    for seed in (0, 42):
        g = G(seed)
        engine["random64"].append({"seed": seed, "values": [str(g.random64()) for _ in range(8)]})
    for seed in range(10):
        full = R.rand(100, dtype="float32", generator=G(seed))
        for n in range(1, 101):  # rand(n) is the first n draws: assert, then store once
            assert R.rand(n, dtype="float32", generator=G(seed)) == full[:n]
        engine["rand_f32"].append({"seed": seed, "values": b64_f32(full)})
        full64 = R.rand(50, dtype="float64", generator=G(seed))
        for n in range(1, 51):
            assert R.rand(n, dtype="float64", generator=G(seed)) == full64[:n]
        engine["rand_f64"].append({"seed": seed, "values": b64_f64(full64)})
    dump("engine.json", engine)

    # ------------------------------------------------------------------- randn
    rn32 = {"meta": meta, "cases": []}
    for seed in range(10):
        for n in list(range(1, 101)) + ([160, 1000, 1001] if seed < 3 else [160]):
            rn32["cases"].append({"seed": seed, "n": n, "values": b64_f32(R.randn(n, generator=G(seed)))})
    for seed in range(10, 40):
        rn32["cases"].append({"seed": seed, "n": 160, "values": b64_f32(R.randn(160, generator=G(seed)))})
    rn32["cases"].append({"seed": 7, "n": 4099, "values": b64_f32(R.randn(4099, generator=G(7)))})
    dump("randn_f32.json", rn32)

    rn64 = {"meta": meta, "cases": []}
    for seed in range(10):
        for n in range(1, 51):
            rn64["cases"].append({"seed": seed, "n": n,
                                  "values": b64_f64(R.randn(n, dtype="float64", generator=G(seed)))})
    dump("randn_f64.json", rn64)

    # --------------------------------------------- call sequences (normal cache)
    def run_sequence(seed, calls):
        g = G(seed)
        outs = []
        for c in calls:
            kind = c[0]
            if kind == "seed":
                g.manual_seed(c[1])
                outs.append(None)
            elif kind == "rand":
                outs.append(R.rand(c[1], dtype=c[2], generator=g))
            elif kind == "randn":
                outs.append(R.randn(c[1], dtype=c[2], generator=g))
            elif kind == "randint":
                outs.append(R.randint(c[1], c[2], (c[3],), generator=g))
            elif kind == "randperm":
                outs.append(R.randperm(c[1], generator=g))
            elif kind == "uniform":
                outs.append(R.uniform_(c[1], c[2], c[3], generator=g))
            else:
                raise ValueError(kind)
        return outs

    seqs = [
        (0, [("randn", 1, "float32"), ("randn", 1, "float32")]),
        (0, [("randn", 2, "float32")]),
        (0, [("randn", 3, "float32"), ("randn", 2, "float32")]),
        (0, [("randn", 5, "float32")]),
        (1, [("randn", 5, "float32"), ("randn", 17, "float32"), ("randn", 1, "float32")]),
        (2, [("randn", 7, "float64"), ("randn", 3, "float32"), ("randn", 15, "float64")]),
        (3, [("rand", 3, "float32"), ("randn", 1, "float32"), ("randn", 1, "float32"), ("rand", 2, "float64")]),
        (4, [("randn", 1, "float32"), ("seed", 4), ("randn", 1, "float32")]),
        (5, [("randn", 9, "float32"), ("randn", 16, "float32"), ("randn", 3, "float32"), ("randn", 33, "float64"), ("randn", 1, "float64")]),
        (6, [("uniform", 3, -1.0, 1.0), ("randn", 3, "float32"), ("randint", 0, 10, 5), ("randperm", 7), ("randn", 11, "float32")]),
        (7, [("randn", 15, "float32"), ("randn", 15, "float32"), ("randn", 1, "float32")]),
    ]
    seq_out = {"meta": meta, "sequences": []}
    for seed, calls in seqs:
        outs = run_sequence(seed, calls)
        seq_out["sequences"].append({"seed": seed, "calls": [list(c) for c in calls], "outputs": outs})
    dump("sequences.json", seq_out)

    # ----------------------------------------------------- uniform_, nn.Linear, normal_(mean, std)
    uni = {"meta": meta, "uniform": [], "linear": [], "sequential": [], "normal_blocks": [], "normal_scalar": []}
    for seed, n, a, b in [(0, 3, -1.0, 1.0), (1, 50, -0.5, 0.5), (2, 64, 0.0, 10.0), (3, 33, -3.0, 7.25),
                          (4, 40, -0.1, 0.1), (5, 20, 2.0, 2.5), (6, 25, -1e-3, 1e-3), (7, 30, -100.0, 100.0)]:
        uni["uniform"].append({"seed": seed, "n": n, "a": a, "b": b,
                               "values": R.uniform_(n, a, b, generator=G(seed))})
    for seed, fin, fout, bias in [(3, 2, 2, False), (0, 1, 1, True), (0, 2, 2, True), (0, 2, 3, True),
                                  (1, 3, 1, True), (2, 10, 5, True), (5, 4, 8, False), (9, 784, 10, True),
                                  (11, 7, 13, True), (12, 100, 1, True)]:
        w, bb = R.linear_init(fin, fout, bias, generator=G(seed))
        flat = [v for row in w for v in row]
        uni["linear"].append({"seed": seed, "in": fin, "out": fout, "bias": bias,
                              "weight": b64_f32(flat), "biasValues": bb})
    for seed, layers in [(0, [(2, 2), (2, 1)]), (0, [(2, 3), (3, 1)]), (8, [(4, 8), (8, 8), (8, 2)])]:
        g = G(seed)
        params = []
        for fin, fout in layers:
            w, bb = R.linear_init(fin, fout, True, generator=g)
            params.append({"in": fin, "out": fout, "weight": [v for row in w for v in row], "bias": bb})
        uni["sequential"].append({"seed": seed, "layers": params})
    # float32 block path of normal_(mean, std): the reference's AVX2 block with mean/std
    for seed, n, mean, std in [(0, 16, 0.5, 2.0), (1, 40, -1.0, 0.25), (2, 100, 3.0, 0.1), (3, 33, 0.0, 3.0)]:
        g = G(seed)
        d = [g.rand_float() for _ in range(n)]
        for i in range(0, n - 15, 16):
            blk = d[i:i + 16]
            R._fill16_avx2(blk, mean, std)
            d[i:i + 16] = blk
        if n % 16:
            blk = [g.rand_float() for _ in range(16)]
            R._fill16_avx2(blk, mean, std)
            d[n - 16:] = blk
        uni["normal_blocks"].append({"seed": seed, "n": n, "mean": mean, "std": std, "dtype": "float32",
                                     "values": b64_f32(d)})
    # scalar path with mean/std: sample * std + mean fused in double (the contracted kernel), then cast
    for seed, n, mean, std, dtype in [(0, 3, 0.0, 2.0, "float32"), (1, 7, 0.5, 2.0, "float32"),
                                      (2, 9, -1.25, 0.3, "float64"), (3, 15, 10.0, 1e-3, "float32")]:
        g = G(seed)
        vals = [fma64(g.normal_double(), std, mean) for _ in range(n)]
        if dtype == "float32":
            vals = [f32(v) for v in vals]
        uni["normal_scalar"].append({"seed": seed, "n": n, "mean": mean, "std": std, "dtype": dtype,
                                     "values": vals})
    dump("uniform_linear.json", uni)

    # ------------------------------------------------------------ randint, randperm
    ints = {"meta": meta, "randint": [], "randperm": []}
    for seed, low, high, n in [(0, 0, 10, 20), (1, -5, 5, 30), (2, 0, 2, 40), (3, 100, 1000, 25),
                               (4, 0, 2**32 - 1, 10), (5, 0, 2**32, 10), (6, -2**40, 2**40, 10),
                               (7, 0, 2**53, 10), (8, 3, 4, 5)]:
        vals = R.randint(low, high, (n,), generator=G(seed))
        ints["randint"].append({"seed": seed, "low": low, "high": high, "n": n, "values": b64_i64(vals)})
    for seed, n in [(0, 6), (0, 0), (0, 1), (0, 2), (1, 10), (2, 100), (3, 1000)]:
        ints["randperm"].append({"seed": seed, "n": n, "values": b64_i64(R.randperm(n, generator=G(seed)))})
    dump("randint_randperm.json", ints)

    # ------------------------------------------------------- float32 building blocks
    rnd = random.Random(20240601)
    fma32_rows, log_rows, sc_rows = [], [], []

    def rnd32():
        return f32(rnd.choice([-1, 1]) * rnd.random() * 2.0 ** rnd.randint(-30, 30))

    for i in range(2000):
        a, b, c = rnd32(), rnd32(), rnd32()
        if i % 3 == 0:
            c = f32(-a * b * (1 + rnd.choice([1, -1]) * 2.0 ** -rnd.randint(1, 30)))
        fma32_rows.append([a, b, c, R.fma(a, b, c)])
    # constructed cases where a*b + c rounded to double lands on a float32 midpoint
    hard = 0
    while hard < 1000:
        c = rnd32()
        if c == 0:
            continue
        e = math.frexp(c)[1] - 24
        j = rnd.randint(1, 2000)
        a = f32(2.0 ** (e - 1) * (1 + j * 2.0 ** -23))
        b = f32(rnd.choice([1, -1]) * (1 - j * 2.0 ** -23))
        if rnd.random() < 0.5:
            a, b = -a, -b
        want = R.fma(a, b, c)
        if f32(a * b + c) != want:
            hard += 1
            fma32_rows.append([a, b, c, want])
    for i in range(2000):
        u = (rnd.getrandbits(24) or 1) * 2.0 ** -24
        log_rows.append([u, R._log256(u)])
    for u in [2.0 ** -24, 0.5, 1.0, R._SQRTHF, f32(R._SQRTHF * (1 + 2.0 ** -23))]:
        log_rows.append([u, R._log256(u)])
    for i in range(2000):
        t = f32(R._TWO_PI * rnd.getrandbits(24) * 2.0 ** -24)
        s, c = R._sincos256(t)
        sc_rows.append([t, s, c])
    for t in [0.0, f32(math.pi / 4), f32(math.pi / 2), f32(math.pi), R._TWO_PI]:
        s, c = R._sincos256(t)
        sc_rows.append([t, s, c])
    flat = lambda rows: b64_f32([v for r in rows for v in r])
    dump("float32_blocks.json", {"meta": meta, "fma32": flat(fma32_rows), "log256": flat(log_rows),
                                 "sincos256": flat(sc_rows)})

    # ------------------------------------------------------------- fma64 (rational)
    f64cases = []

    def rnd64(lo, hi):
        return rnd.choice([-1, 1]) * rnd.random() * 2.0 ** rnd.randint(lo, hi)

    for i in range(2500):
        a, b = rnd64(-60, 60), rnd64(-60, 60)
        k = rnd.random()
        if k < 0.3:
            c = -a * b * (1 + rnd.choice([1, -1]) * 2.0 ** -rnd.randint(1, 60))
        elif k < 0.6:
            c = rnd64(-60, 60)
        else:
            c = (a * b) * rnd.choice([1, -1]) * 2.0 ** rnd.randint(-110, 110)
        f64cases.append([a, b, c, fma64(a, b, c)])
    # a*b + c lands exactly on a rounding midpoint of c + p; only the product's low part decides
    hard64 = 0
    while hard64 < 600:
        k1 = rnd.randint(1, 52)
        k2 = rnd.randint(54 - k1, 60)
        m = rnd.randint(-40, 40)
        a = (1 + 2.0 ** -k1) * rnd.choice([1, -1])
        b = (1 + rnd.choice([1, -1]) * 2.0 ** -k2) * 2.0 ** m
        x = rnd.uniform(0.5, 4) * 2.0 ** (m + rnd.randint(-3, 3)) * rnd.choice([1, -1])
        mid = Fraction(x) + Fraction(math.ulp(x)) / 2
        c = float(mid - Fraction(a * b))
        if Fraction(c) != mid - Fraction(a * b):
            continue
        want = fma64(a, b, c)
        if a * b + c != want:
            hard64 += 1
            f64cases.append([a, b, c, want])
    # extreme magnitudes (exact BigInt path), signed zeros
    for a, b, c in [(1e300, 1e8, -1e307), (2.0 ** -1000, 2.0 ** -60, 2.0 ** -1070), (3.0, 2.0 ** -1074, -2.0 ** -1073),
                    (1e200, 1e-200, 1.0), (2.0 ** 1000, 2.0 ** 23, -1.7976931348623157e308),
                    (0.0, 5.0, -0.0), (-0.0, 5.0, -0.0), (1.5, -2.0, 3.0), (2.0 ** -600, 2.0 ** -600, 0.0),
                    (1.0 + 2.0 ** -52, 1.0 - 2.0 ** -53, -1.0)]:
        f64cases.append([a, b, c, fma64(a, b, c)])
    dump("fma64.json", {"meta": meta, "cases": b64_f64([v for r in f64cases for v in r])})

    # ------------------------------------------------------------------ glibc libm
    libc = platform.libc_ver()
    flags = ""
    try:
        with open("/proc/cpuinfo") as fh:
            flags = fh.read()
    except OSError:
        pass
    ok = libc == ("glibc", "2.36") and platform.machine() == "x86_64" and " fma " in flags and " avx2 " in flags
    if not ok and not args.force_libm:
        print("skipping libm.json: needs glibc 2.36 on x86-64 with FMA/AVX2, found", libc, platform.machine())
        return
    xs_log, xs_trig = [], []
    for i in range(2500):
        xs_log.append(1.0 - rnd.getrandbits(53) * 2.0 ** -53)      # the Box-Muller argument, (0, 1]
    for i in range(600):
        xs_log.append(1.0 + rnd.uniform(-0.0625, 0.0649))         # the close-to-1 polynomial
    while len(xs_log) < 3700:  # everything else, subnormals too
        x = rnd.random() * 2.0 ** rnd.randint(-1074, 1023)
        if x > 0:
            xs_log.append(x)
    xs_log += [1.0, 2.0, 0.5, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 1.0 - 2.0 ** -53, 0.9375]
    for i in range(2500):
        xs_trig.append(2.0 * math.pi * (rnd.getrandbits(53) * 2.0 ** -53))  # theta of Box-Muller
    for i in range(1200):
        xs_trig.append(rnd.choice([-1, 1]) * rnd.random() * 2.0 ** rnd.randint(-30, 26))
    xs_trig += [0.0, -0.0, 1e-9, 0.126, 0.855469, 2.426265, math.pi, 2 * math.pi, 1e5, -3.0, 105414349.0]
    libm = {
        "meta": dict(meta, libc="%s %s" % libc, machine=platform.machine()),
        "log_x": b64_f64(xs_log), "log_y": b64_f64([math.log(x) for x in xs_log]),
        "trig_x": b64_f64(xs_trig), "sin_y": b64_f64([math.sin(x) for x in xs_trig]),
        "cos_y": b64_f64([math.cos(x) for x in xs_trig]),
    }
    dump("libm.json", libm)


if __name__ == "__main__":
    main()
