#!/usr/bin/env python3
"""Break a process' resident memory down by kind of mapping, from /proc/<pid>/smaps.

    bench/smaps-breakdown.py PID [--json] [--top]
    bench/smaps-breakdown.py --file SAVED_SMAPS [--json] [--top]   (the e2e driver saves idle-<shards>.smaps)

Categories (RSS in KiB):
  gc-heap          anonymous mappings inside the GC's reserved range (the longest run of adjacent anonymous
                   mappings that holds a PROT_NONE reservation of 1 GiB or more: .NET regions reserve 256 GiB)
  malloc-main      [heap]: glibc's main arena (brk)
  malloc-arenas    glibc's thread arenas: an anonymous rw mapping that starts on a 64 MiB boundary and, with the
                   PROT_NONE rest after it, spans 64 MiB
  thread-stacks    an anonymous rw mapping right after a small PROT_NONE guard (<= 64 KiB), and [stack]
  jit-code         the runtime's double-mapped executable memory (memfd:doublemapper)
  other-anon       every other anonymous mapping (runtime loader heaps, GC bookkeeping, mmapped malloc chunks)
  file             file-backed mappings (the runtime, the assemblies, native libraries)
"""
import json
import sys

GIB = 1 << 30
ARENA = 64 << 20


def read(path):
    maps = []
    cur = None
    with open(path) as f:
        for line in f:
            parts = line.split()
            if "-" in parts[0] and len(parts) >= 5 and not parts[0].endswith(":"):
                lo, hi = (int(x, 16) for x in parts[0].split("-"))
                cur = {"lo": lo, "hi": hi, "perms": parts[1], "path": " ".join(parts[5:]) if len(parts) > 5 else "", "rss": 0, "private_dirty": 0}
                maps.append(cur)
            elif parts[0] == "Rss:":
                cur["rss"] = int(parts[1])
            elif parts[0] == "Private_Dirty:":
                cur["private_dirty"] = int(parts[1])
    return maps


def anon(m):
    return m["path"] == ""


def classify(maps):
    # The GC range: runs of adjacent anonymous mappings; the run holding a >= 1 GiB PROT_NONE piece.
    gc = set()
    i = 0
    while i < len(maps):
        j = i
        while j + 1 < len(maps) and anon(maps[j]) and anon(maps[j + 1]) and maps[j + 1]["lo"] == maps[j]["hi"]:
            j += 1
        run = maps[i:j + 1]
        if all(anon(m) for m in run) and any(m["perms"].startswith("---") and m["hi"] - m["lo"] >= GIB for m in run):
            gc.update(range(i, j + 1))
        i = j + 1

    kinds = []
    for k, m in enumerate(maps):
        size = m["hi"] - m["lo"]
        nxt = maps[k + 1] if k + 1 < len(maps) else None
        prev = maps[k - 1] if k > 0 else None
        if k in gc:
            kind = "gc-heap"
        elif m["path"] == "[heap]":
            kind = "malloc-main"
        elif m["path"] == "[stack]":
            kind = "thread-stacks"
        elif "doublemapper" in m["path"]:
            kind = "jit-code"
        elif m["path"].startswith("/"):
            kind = "file"
        elif m["path"].startswith("["):
            kind = "other-anon"
        elif anon(m) and m["lo"] % ARENA == 0 and m["perms"].startswith("rw") and (
                size == ARENA or (nxt is not None and anon(nxt) and nxt["perms"].startswith("---") and nxt["lo"] == m["hi"] and nxt["hi"] - m["lo"] == ARENA)):
            kind = "malloc-arenas"
        elif anon(m) and m["perms"].startswith("rw") and prev is not None and anon(prev) and prev["perms"].startswith("---") \
                and prev["hi"] == m["lo"] and prev["hi"] - prev["lo"] <= 64 * 1024:
            kind = "thread-stacks"
        else:
            kind = "other-anon"
        kinds.append(kind)
    return kinds


def main():
    path = sys.argv[sys.argv.index("--file") + 1] if "--file" in sys.argv else f"/proc/{int(sys.argv[1])}/smaps"
    maps = read(path)
    kinds = classify(maps)
    order = ["gc-heap", "malloc-main", "malloc-arenas", "thread-stacks", "jit-code", "other-anon", "file"]
    totals = {k: {"rss_kib": 0, "mappings": 0} for k in order}
    for m, k in zip(maps, kinds):
        totals[k]["rss_kib"] += m["rss"]
        totals[k]["mappings"] += 1
    totals["total"] = {"rss_kib": sum(m["rss"] for m in maps), "mappings": len(maps)}
    if "--json" in sys.argv:
        print(json.dumps(totals))
    else:
        for k in order + ["total"]:
            print(f"{k:14} {totals[k]['rss_kib']:>9} KiB  ({totals[k]['mappings']} mappings)")
    if "--top" in sys.argv:
        for m, k in sorted(zip(maps, kinds), key=lambda p: -p[0]["rss"])[:25]:
            print(f"  {m['lo']:x}-{m['hi']:x} {m['perms']} {(m['hi'] - m['lo']) >> 10:>10} KiB size {m['rss']:>8} KiB rss  {k:14} {m['path']}")


if __name__ == "__main__":
    main()
