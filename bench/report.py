#!/usr/bin/env python3
"""Turns the benchmark's JSON outputs into bench/RESULTS.md and bench/results.png.

  report.py --handshakes H.json --memory M.json --e2e E.json --sizes S.json
            [--ppc bench/ppc/results_ppc.json] --machine MACHINE.json --out-dir bench
"""
import argparse
import json
import os

LIBS = ["mactls", "OpenSSL", "GnuTLS", "wolfSSL"]
PHASE_NAMES = [
    ("ecdhe", "ECDHE (key pair + shared secret)"),
    ("certificate_parsing", "certificate parsing (2 certificates + keys)"),
    ("chain_signatures", "chain signatures (2)"),
    ("certificate_verify", "CertificateVerify"),
    ("key_schedule", "key schedule + transcript hashing"),
    ("record_protection", "record protection"),
]


def load(path):
    if not path or not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def fmt(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}"


def handshake_tables(h):
    out = []
    verdicts = []
    for sc in h["scenarios"]:
        r = sc["results"]
        out.append(f"### Scenario {sc['id']}: {sc['title']}\n")
        out.append("| client | full: median µs (min) | resumed: median µs (min) | resumed / full | full ÷ floor | resumed ÷ floor |")
        out.append("|---|---:|---:|---:|---:|---:|")
        floor_f = r["floor/full"]["median_us"]
        floor_r = r["floor/resumed"]["median_us"]
        for lib in LIBS + ["floor-in-situ", "floor"]:
            if f"{lib}/full" not in r:
                continue
            f, rs = r[f"{lib}/full"], r[f"{lib}/resumed"]
            name = {"floor": "nettle floor", "floor-in-situ": "nettle floor, in situ"}.get(lib, lib)
            if lib == "mactls":
                name = "**mactls**"
            out.append(
                f"| {name} | {fmt(f['median_us'])} ({fmt(f['min_us'])}) | {fmt(rs['median_us'])} ({fmt(rs['min_us'])}) "
                f"| {rs['median_us'] / f['median_us']:.2f} | {f['median_us'] / floor_f:.2f} | {rs['median_us'] / floor_r:.2f} |")
        m_f, m_r = r["mactls/full"]["median_us"], r["mactls/resumed"]["median_us"]
        peers = [l for l in LIBS[1:] if f"{l}/full" in r]
        best_f = min(r[f"{l}/full"]["median_us"] for l in peers) if peers else float("inf")
        best_r = min(r[f"{l}/resumed"]["median_us"] for l in peers) if peers else float("inf")
        verdicts.append((sc["id"], m_f / floor_f, m_r / floor_r, m_f <= best_f, m_r <= best_r, m_f, m_r, best_f, best_r))
        out.append("")
        ph = sc.get("phases_us", {})
        if ph:
            out.append(f"mactls by phase, each timed on its own with mactls' building blocks on this scenario's inputs (µs, median):\n")
            out.append("| phase | full | resumed |")
            out.append("|---|---:|---:|")
            total_f = total_r = 0.0
            for key, label in PHASE_NAMES:
                if key in ph:
                    full = ph[key]
                    res = ph[key] if key == "ecdhe" else 0.0
                else:
                    full = ph.get(key + "_full", 0.0)
                    res = ph.get(key + "_resumed", 0.0)
                total_f += full
                total_r += res
                out.append(f"| {label} | {fmt(full)} | {fmt(res) if res else '—'} |")
            out.append(f"| sum of the phases | {fmt(total_f)} | {fmt(total_r)} |")
            out.append(f"| whole handshake (interleaved run) | {fmt(m_f)} | {fmt(m_r)} |")
            out.append(f"| rest: message codecs, engine, allocation, ticket store, cache misses | {fmt(m_f - total_f)} | {fmt(m_r - total_r)} |")
            out.append("")
    return out, verdicts


def chart(h, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scen = [s["id"] for s in h["scenarios"]]
    fig, axes = plt.subplots(1, 2, figsize=(13, 5))
    libs = [l for l in LIBS + ["floor"] if f"{l}/full" in h["scenarios"][0]["results"]]
    colors = {"mactls": "#1f77b4", "OpenSSL": "#d62728", "GnuTLS": "#2ca02c", "wolfSSL": "#ff7f0e", "floor": "#7f7f7f"}
    width = 0.8 / len(libs)
    for ax, kind in zip(axes, ["full", "resumed"]):
        for i, lib in enumerate(libs):
            vals = [s["results"][f"{lib}/{kind}"]["median_us"] for s in h["scenarios"]]
            xs = [j + (i - (len(libs) - 1) / 2) * width for j in range(len(scen))]
            ax.bar(xs, vals, width, label="nettle floor" if lib == "floor" else lib, color=colors[lib])
        ax.set_xticks(range(len(scen)))
        ax.set_xticklabels([f"({s})" for s in scen])
        ax.set_ylabel("client CPU per handshake, µs (median)")
        ax.set_title(f"{kind} handshake")
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend()
    fig.suptitle("Client CPU per TLS 1.3 handshake against an in-process OpenSSL server\n"
                 "(a) X25519+P-256/AES-128-GCM  (b) P-384+P-384/AES-256-GCM  (c) X25519+RSA-2048/ChaCha20  (d) X25519+RSA-4096/AES-128-GCM",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--handshakes", required=True)
    ap.add_argument("--memory")
    ap.add_argument("--e2e")
    ap.add_argument("--sizes")
    ap.add_argument("--ppc")
    ap.add_argument("--worst-certificate")
    ap.add_argument("--machine")
    ap.add_argument("--out-dir", required=True)
    a = ap.parse_args()
    h = load(a.handshakes)
    mem, e2e, sizes, machine = load(a.memory), load(a.e2e), load(a.sizes), load(a.machine)

    md = ["# mactls benchmark results", ""]
    md.append("Written by `bash scripts/bench.sh` (bench/report.py); regenerate with the same command. "
              "Targets are reported here, never asserted in tests.")
    md.append("")
    md.append("## Machine")
    md.append("")
    if machine:
        for k, v in machine.items():
            md.append(f"- {k}: {v}")
    md.append(f"- CPU (from the benchmark): {h['machine']}")
    md.append("")
    md.append("## Method")
    md.append("")
    md.append(
        "Each client talks to an in-process OpenSSL 3 server over memory buffers (one ticket per connection; "
        "the server is restricted to the scenario's suite and group; every client offers one key share, for "
        "the scenario's group, so there is no HelloRetryRequest). Only the client's work is timed: the thread CPU "
        "time of every call into the client library — object creation, ClientHello, processing the server's "
        "flight (chain and host name verification included), processing the NewSessionTicket, teardown — minus "
        f"the timer's own cost ({h['meter_overhead_ns']:.0f} ns per span, calibrated). "
        f"{h['rounds']} rounds; each round visits every scenario, client and kind (full, resumed) in a rotating "
        "order, so ratios hold on a noisy machine. Every handshake is checked: a full one must not resume, a "
        "resumed one must be reported resumed by the client and by the server, and a ticket must arrive for the "
        "next connection. Each library keeps one ticket (its newest) and uses it once.")
    md.append("")
    md.append(
        "The nettle floor is what no client can avoid, timed with nettle directly on the scenario's own keys and "
        "signatures: the ECDHE key pair and shared secret (the server's share validated) and, for a full "
        "handshake, the two chain signatures (leaf by intermediate, intermediate by the trust anchor) and the "
        "CertificateVerify, each with the hashing of what it signs. 'In situ' runs the same operations at the "
        "points of a real exchange with the server (key pair when the ClientHello is written; the rest when the "
        "server's flight arrives), so they meet the caches as the server left them.")
    md.append("")
    md.append("## Headline")
    md.append("")
    tables, verdicts = handshake_tables(h)
    md.append("| scenario | mactls full µs | mactls resumed µs | resumed / full | full ÷ floor | resumed ÷ floor | best peer full | best peer resumed |")
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for (sid, rf, rr, bf, br, mf, mr, pf, pr) in verdicts:
        md.append(f"| {sid} | {fmt(mf)} | {fmt(mr)} | {mr / mf:.2f} | {rf:.2f} | {rr:.2f} | {fmt(pf)}{' (mactls faster)' if bf else ''} | {fmt(pr)}{' (mactls faster)' if br else ''} |")
    md.append("")
    met = [v for v in verdicts if v[1] <= 1.15 and v[2] <= 1.15 and v[3] and v[4]]
    md.append(f"Targets (full ≤ 1.15 × floor, resumed ≤ 1.15 × floor, at or below the best peer): "
              f"met in {len(met)} of {len(verdicts)} scenarios; mactls is at or below the best peer in "
              f"{sum(1 for v in verdicts if v[3] and v[4])} of {len(verdicts)}.")
    md.append("")
    md.append("![full vs resumed per scenario and library](results.png)")
    md.append("")
    md.append("## Handshakes, client CPU")
    md.append("")
    md.extend(tables)

    if args.worst_certificate:
        md.append("## The worst Certificate message")
        md.append("")
        md.append("Client CPU of `verify_server_chain` under the engine's default budgets (8 signature checks, "
                  "64 issuer candidates) for an honest chain of scenario (a)'s shape and for the dearest "
                  "Certificate messages a server can craft within `Limits::max_chain_certificates` (10): a mesh of "
                  "same-named CAs signing each other, and a fan of same-named impostor issuers with keys of their "
                  "own (`mactls_bench_worst_certificate`, median). Compare with a whole full handshake of scenario "
                  "(a) or (b) above. On the G3 the fan costs 8 signature checks: about 8 × 8.0 M (P-256) or "
                  "8 × 19.0 M (P-384) guest instructions, from the per-primitive counts below.")
        md.append("")
        with open(args.worst_certificate) as f:
            md.extend(line.rstrip("\n") for line in f)
        md.append("")

    if mem:
        md.append("## Memory")
        md.append("")
        md.append("Heap of one connection, measured by replaying the recorded transcripts with every allocation "
                  "counted (mactls' own, nettle's and gmp's): peak bytes live from the Client's construction to its "
                  "destruction. 'Kept' is what outlives the connection: the ticket it stored.")
        md.append("")
        md.append("| scenario | kind | peak heap (B) | allocations | kept after (B) | largest blocks at the peak (B) |")
        md.append("|---|---|---:|---:|---:|---|")
        for c in mem["connections"]:
            md.append(f"| {c['scenario']} | {c['kind']} | {c['peak_heap']:,} | {c['allocations']} | {c['held_after']:,} | "
                      f"{', '.join(f'{x:,}' for x in c['largest_at_peak'][:5])} |")
        md.append("")
        md.append("Where the heap goes: the 16,648-byte block is the record reader's buffer (one maximal TLS record, "
                  "allocated once per connection, never zero-filled); the ~13 KB block is the connection itself "
                  "(engine state with its two record protectors, whose AES-GCM contexts carry nettle's 4 KB GHASH "
                  "tables each); the rest is the handshake reassembly buffer (as large as the largest handshake "
                  "message, the Certificate in a full handshake) and small allocations (parsed extensions, "
                  "summaries, the ticket being stored).")
        ts = mem["ticket_store"]
        md.append("")
        md.append(f"Ticket store: {ts['tickets']} tickets with {ts['ticket_identity_bytes']}-byte identities take "
                  f"{ts['heap_bytes']:,} bytes of heap, {ts['heap_bytes'] / ts['tickets']:.0f} bytes per ticket "
                  f"(the store's own accounting: {ts['store_bytes'] / ts['tickets']:.0f}).")
        md.append("")
    if sizes:
        md.append("## Size")
        md.append("")
        md.append("| build | text (B) | data (B) | bss (B) |")
        md.append("|---|---:|---:|---:|")
        for s in sizes:
            md.append(f"| {s['build']} | {s['text']:,} | {s['data']:,} | {s['bss']:,} |")
        md.append("")
    if e2e:
        md.append("## End to end on loopback")
        md.append("")
        md.append(f"{e2e['connections_per_kind']} sequential fetches of each kind (GET / from {e2e['peer']}, scenario a's "
                  "chain and group), alternating, through mactls' async API and POSIX transport; wall time from "
                  "Start() to the end of the response, and the client thread's CPU time over the same span "
                  "(socket system calls included).")
        md.append("")
        md.append("| kind | wall µs (median) | client CPU µs (median) |")
        md.append("|---|---:|---:|")
        md.append(f"| full | {fmt(e2e['full']['wall_us_median'])} | {fmt(e2e['full']['cpu_us_median'])} |")
        md.append(f"| resumed | {fmt(e2e['resumed']['wall_us_median'])} | {fmt(e2e['resumed']['cpu_us_median'])} |")
        md.append("")
        md.append(f"Resumed: {e2e['resumed']['resumed']} of {e2e['resumed']['attempted']} resumable connections; "
                  f"failures: {e2e['failures']}.")
        md.append("")
    if a.ppc and os.path.exists(a.ppc):
        md.append("## An emulated G3 (PowerPC 750)")
        md.append("")
        md.append("From bench/ppc/run.sh (details and method in bench/ppc/RESULTS_PPC.md):")
        md.append("")
        with open(a.ppc) as f:
            for line in f.read().splitlines():
                if line.startswith("# "):
                    continue  # its title
                md.append("#" + line if line.startswith("#") else line)
        md.append("")
    with open(os.path.join(a.out_dir, "RESULTS.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    chart(h, os.path.join(a.out_dir, "results.png"))


if __name__ == "__main__":
    main()
