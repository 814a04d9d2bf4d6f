#!/usr/bin/env python3
"""Where a server's CPU goes per call, by what its stacks were doing: reads `perf script -F
comm,tid,ip,sym` files (DWARF call graphs), puts every sample in the first bucket below whose
pattern one of its frames matches (so the order matters: the write's own steps before the
committer group around them), and prints one markdown table of µs of server CPU per call, a
column per profile. Each profile is given as LABEL=FILE:US, US being the server's CPU µs per
call measured over the same run (loadgen --server_pid), which the shares divide.

  profile_buckets.py committer=/tmp/c.txt:55 SubmitReport=/tmp/s.txt:150"""
import collections
import re
import sys

BUCKETS = [
    ("RocksDB: WAL fdatasync", r"fdatasync|PosixWritableFile::Sync"),
    ("RocksDB: WAL write", r"DBImpl::WriteToWAL"),
    ("RocksDB: memtable inserts", r"WriteBatchInternal::InsertInto"),
    ("RocksDB: rest of the write", r"DBImpl::WriteImpl"),
    ("RocksDB: flushes (background)", r"BackgroundCallFlush"),
    ("RocksDB: compactions (background)", r"BackgroundCallCompaction"),
    ("sending the answer (ServerUnaryReactor::Finish)", r"ServerUnaryReactor::Finish"),
    ("the answer's message from the written bytes", r"FillSubmitReportAnswer"),
    ("the audit record (committer's contributor)", r"::Contribute\b"),
    ("copying each call's batch into the group's", r"BatchCopier"),
    ("rest of the committer's group (events serialized, callbacks)",
     r"CommitGroup|CommitterServiceImpl::Loop"),
    ("request-id lookup (CheckRequest)", r"CheckRequest|FindRequest"),
    ("current report read", r"ProgressRecorder::CurrentReport"),
    ("building the write (BuildWrite)", r"BuildWrite"),
    ("validation", r"ValidateSubmission|CheckEntry"),
    ("fingerprint", r"Fingerprint"),
    ("rest of the recorder", r"CommitAsync|SubmitLocked|ProgressRecorder::SubmitReport"),
    ("the handler (authorization, FromProto)", r"ProgressServiceImpl::SubmitReport"),
    ("parsing the request", r"DeserializeFromByteBuffer|GenericDeserialize|_InternalParse"),
    ("serializing the answer", r"SerializeToByteBuffer|GenericSerialize|_InternalSerialize"),
    # The first interceptor's Intercept also runs, through Proceed, what gRPC does next to set
    # the call up: the audit record's own work is only part of it.
    ("the interceptors (and the call's set-up run through them)",
     r"Interceptor::Intercept|AuditInterceptor|MetricsInterceptor|prometheus"),
    ("gRPC: the call's context and its end", r"ServerContextBase"),
    ("gRPC: sendmsg", r"sendmsg"),
    ("gRPC: reading (recvmsg, HTTP/2 frames)", r"recvmsg|tcp_read|grpc_chttp2_perform_read"),
    ("futex (thread hand-offs)", r"futex"),
    ("gRPC: polling (epoll, pollset)", r"epoll|pollset|CompletionQueue::Pluck"),
]
COMPILED = [(name, re.compile(pattern)) for name, pattern in BUCKETS]
OTHER = "everything else"


def shares(path):
    counts, total = collections.Counter(), 0
    frames = None

    def flush():
        nonlocal total
        if frames is None:
            return
        total += 1
        stack = "\n".join(frames)
        counts[next((n for n, c in COMPILED if c.search(stack)), OTHER)] += 1

    for line in open(path, errors="replace"):
        if not line.strip():
            continue
        if line[0] in " \t":
            frames.append(line.strip())
        else:
            flush()
            frames = []
    flush()
    return {name: n / total for name, n in counts.items()}, total


def main(args):
    profiles = []
    for arg in args:
        label, rest = arg.split("=", 1)
        path, us = rest.rsplit(":", 1)
        share, samples = shares(path)
        profiles.append((label, share, float(us), samples))
    print("| where | " + " | ".join(f"{l} (µs/call)" for l, *_ in profiles) + " |")
    print("|---|" + "---|" * len(profiles))
    for name in [n for n, _ in BUCKETS] + [OTHER]:
        cells = [s.get(name, 0) * us for _, s, us, _ in profiles]
        if max(cells) < 0.05:
            continue
        print(f"| {name} | " + " | ".join(f"{c:.1f}" for c in cells) + " |")
    print("| **server CPU per call** | " + " | ".join(f"**{us:.0f}**" for _, _, us, _ in profiles)
          + " |")
    print("| samples | " + " | ".join(str(n) for *_, n in profiles) + " |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
