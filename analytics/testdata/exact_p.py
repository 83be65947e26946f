"""Exact small-sample p-values by brute force, independent of the Go code.

Run with plain python3 (no numpy, no scipy):  python3 analytics/testdata/exact_p.py
Every p-value is the share of all n! orderings (itertools.permutations) whose statistic is at
least as extreme as the observed one, in Fractions so that nothing is rounded. The results are
pasted into analytics/pvalue_test.go.
"""
from fractions import Fraction
from itertools import permutations
import math


def mk_s(y):
    n = len(y)
    return sum((y[j] > y[i]) - (y[j] < y[i]) for i in range(n) for j in range(i + 1, n))


def mk_exact_p(y):
    s = abs(mk_s(y))
    hits = total = 0
    for p in permutations(y):
        total += 1
        hits += abs(mk_s(p)) >= s
    return mk_s(y), Fraction(hits, total)


def ranks(xs):  # no ties assumed: 1 = smallest
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0] * len(xs)
    for pos, i in enumerate(order):
        r[i] = pos + 1
    return r


def spearman_d2(rx, ry):
    return sum((a - b) ** 2 for a, b in zip(rx, ry))


def spearman_exact_p(x, y):
    n = len(x)
    rx, ry = ranks(x), ranks(y)
    mean = Fraction(n * (n * n - 1), 6)
    far = abs(spearman_d2(rx, ry) - mean)
    hits = total = 0
    for p in permutations(ry):
        total += 1
        hits += abs(spearman_d2(rx, p) - mean) >= far
    rho = 1 - Fraction(6 * spearman_d2(rx, ry), n * (n * n - 1))
    return rho, Fraction(hits, total)


CASES_MK = {
    # VCCI PCI, datasets/bundled/pci.csv
    "HauGiang2017_2021": [60.14, 61.87, 64.14, 63.11, 63.80],
    "QuangNinh2015_2022": [65.75, 65.6, 70.69, 73.4, 75.09, 73.02, 72.95],
    "QuangNinh2006_2015": [53.25, 58.34, 54.7, 60.81, 64.41, 63.25, 59.55, 63.51, 62.16, 65.75],
    "Rising3": [1, 2, 3],
    "Falling4": [4, 3, 2, 1],
}

# VCCI PCI 2018 (x) and 2019 (y) of the provinces with both, in code order (01, 24, 25, 26, 31,
# 35, 37, 38, 42): the first 7 and all 9.
X = [65.4, 63.01, 63.95, 64.55, 64.48, 62.77, 63.55, 63.94, 63.99]
Y = [68.8, 64.47, 65.54, 66.75, 68.73, 65.07, 64.58, 65.64, 65.46]
CASES_SP = {
    "PCI2018vs2019_n7": (X[:7], Y[:7]),
    "PCI2018vs2019_n9": (X, Y),
    "Perfect3": ([1, 2, 3], [10, 20, 30]),
    "Scrambled5": ([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]),
}

for name, y in CASES_MK.items():
    s, p = mk_exact_p(y)
    print(f"MK {name}: n={len(y)} S={s} p={p} = {float(p)!r}")
for name, (x, y) in CASES_SP.items():
    rho, p = spearman_exact_p(x, y)
    print(f"Spearman {name}: n={len(x)} rho={rho} = {float(rho)!r} p={p} = {float(p)!r}")
