#!/usr/bin/env python3
"""Writes a bare git repository with a generated history, to measure reading it.

    python3 make_repo.py OUT.git [--commits 20000] [--repack]

The history is deterministic: a main line where every fifth step merges a topic branch of
three commits (a merge commit, so about half the commits are brought in by merges), one
file changed per commit, an annotated release tag `vN` every 200 main-line steps and a
lightweight `build-N` tag every 50. Commits are one hour apart, in a +02:00 time zone.
The stream goes through `git fast-import`; `--repack` then runs `git repack -adf`, as a
clone from a forge would be packed. Python 3 standard library only.
"""

import argparse
import subprocess
import sys

START = 1_704_067_200  # 2024-01-01T00:00:00Z


def stream(commits, out):
    mark = 0
    when = START
    written = 0
    main_tip = None
    step = 0

    def data(text):
        raw = text.encode()
        out.write(b"data %d\n" % len(raw))
        out.write(raw)
        out.write(b"\n")

    def commit(ref, parent, merge, who, message, path):
        nonlocal mark, when, written
        mark += 1
        blob = mark
        out.write(b"blob\nmark :%d\n" % blob)
        data("line %d\n" % blob)
        mark += 1
        when += 3600
        written += 1
        out.write(b"commit %s\nmark :%d\n" % (ref.encode(), mark))
        out.write(b"author %s <%s@example.com> %d +0200\n" % (who.encode(), who.encode(), when - 600))
        out.write(b"committer %s <%s@example.com> %d +0200\n" % (who.encode(), who.encode(), when))
        data(message)
        if parent is not None:
            out.write(b"from :%d\n" % parent)
        if merge is not None:
            out.write(b"merge :%d\n" % merge)
        out.write(b"M 100644 :%d %s\n" % (blob, path.encode()))
        return mark

    while written < commits:
        step += 1
        if step % 5 == 0 and main_tip is not None and written + 4 <= commits:
            topic = main_tip
            for i in range(3):
                topic = commit("refs/heads/topic", topic, None, "dev%d" % (step % 7), "topic %d.%d" % (step, i),
                               "src/topic%d.txt" % (step % 13))
            main_tip = commit("refs/heads/main", main_tip, topic, "merger", "merge topic %d" % step, "MERGES")
        else:
            main_tip = commit("refs/heads/main", main_tip, None, "dev%d" % (step % 7), "step %d" % step,
                              "src/main%d.txt" % (step % 17))
        if step % 200 == 0:
            out.write(b"tag v%d\nfrom :%d\n" % (step // 200, main_tip))
            out.write(b"tagger releaser <releaser@example.com> %d +0200\n" % (when + 1800))
            data("release %d" % (step // 200))
        elif step % 50 == 0:
            out.write(b"reset refs/tags/build-%d\nfrom :%d\n\n" % (step // 50, main_tip))
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--commits", type=int, default=20_000)
    parser.add_argument("--repack", action="store_true")
    args = parser.parse_args()
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", args.out], check=True)
    importer = subprocess.Popen(["git", "-C", args.out, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    written = stream(args.commits, importer.stdin)
    importer.stdin.close()
    if importer.wait() != 0:
        sys.exit("git fast-import failed")
    if args.repack:
        subprocess.run(["git", "-C", args.out, "repack", "-q", "-a", "-d", "-f"], check=True)
    print('{"commits": %d, "path": "%s"}' % (written, args.out))


if __name__ == "__main__":
    main()
