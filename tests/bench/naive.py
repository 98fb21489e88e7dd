#!/usr/bin/env python3
"""naive.py - the naive poller baseline for ctmirror's benchmarks.

What a reasonable person writes first: for each tracked NCT ID, one
GET /studies/{id}, parse it, and one upsert of the record into PostgreSQL,
committed on its own.  It is honest, not sabotaged: the HTTP connection is
kept alive (http.client, one per worker), the database connection is opened
once, the statement is a plain parameterised INSERT .. ON CONFLICT, and the
table gets the same lz4 jsonb compression ctmirror uses.  By default it runs
sequentially (--concurrency 1, "the obvious way"); --concurrency N runs N
workers, each with its own HTTP and database connection.

  naive.py --url http://127.0.0.1:PORT/api/v2 --dsn "dbname=x" --n N
           [--start 0] [--concurrency 1] [--setup]

Prints one JSON line: requests, ok, not_found, errors, rows, seconds.
"""

import argparse
import http.client
import json
import sys
import threading
import time
import urllib.parse

import psycopg2

SCHEMA = """
CREATE TABLE IF NOT EXISTS naive_studies (
    nct_id              text PRIMARY KEY,
    overall_status      text,
    has_results         boolean,
    last_update_posted  text,
    raw                 jsonb NOT NULL,
    fetched_at          timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE naive_studies ALTER COLUMN raw SET COMPRESSION lz4;
"""

UPSERT = """
INSERT INTO naive_studies (nct_id, overall_status, has_results,
                           last_update_posted, raw, fetched_at)
VALUES (%s, %s, %s, %s, %s::jsonb, now())
ON CONFLICT (nct_id) DO UPDATE SET
    overall_status = EXCLUDED.overall_status,
    has_results = EXCLUDED.has_results,
    last_update_posted = EXCLUDED.last_update_posted,
    raw = EXCLUDED.raw,
    fetched_at = EXCLUDED.fetched_at
"""


def nct(idx):
    return "NCT1%07d" % idx


class Worker:
    def __init__(self, url, dsn):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port or 80
        self.prefix = u.path.rstrip("/")
        self.http = None
        self.db = psycopg2.connect(dsn)
        self.db.autocommit = False
        self.ok = self.not_found = self.errors = self.requests = 0

    def get(self, path):
        for attempt in range(2):
            if self.http is None:
                self.http = http.client.HTTPConnection(self.host, self.port,
                                                       timeout=120)
            try:
                self.requests += 1
                self.http.request("GET", self.prefix + path, headers={
                    "User-Agent": "naive-poller/1", "Accept":
                    "application/json"})
                r = self.http.getresponse()
                return r.status, r.getheader("Content-Type", ""), r.read()
            except (OSError, http.client.HTTPException):
                self.http.close()
                self.http = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def poll(self, nct_id):
        try:
            status, ctype, body = self.get("/studies/" + nct_id)
        except (OSError, http.client.HTTPException) as e:
            print("naive: %s: %s" % (nct_id, e), file=sys.stderr)
            self.errors += 1
            return
        if status == 404:
            self.not_found += 1
            return
        if status != 200 or not ctype.startswith("application/json"):
            print("naive: %s: HTTP %d" % (nct_id, status), file=sys.stderr)
            self.errors += 1
            return
        text = body.decode("utf-8")
        d = json.loads(text)
        sm = d.get("protocolSection", {}).get("statusModule", {})
        with self.db.cursor() as cur:
            cur.execute(UPSERT, (
                d["protocolSection"]["identificationModule"]["nctId"],
                sm.get("overallStatus"), bool(d.get("hasResults")),
                sm.get("lastUpdatePostDateStruct", {}).get("date"), text))
        self.db.commit()
        self.ok += 1

    def close(self):
        if self.http:
            self.http.close()
        self.db.close()


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", required=True, help="API base, .../api/v2")
    ap.add_argument("--dsn", default="", help="libpq conninfo (default: PG*)")
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--concurrency", type=int, default=1)
    ap.add_argument("--setup", action="store_true",
                    help="create the table first (not timed by the runner "
                         "if run separately)")
    a = ap.parse_args(argv)

    if a.setup:
        db = psycopg2.connect(a.dsn)
        with db, db.cursor() as cur:
            cur.execute(SCHEMA)
        db.close()

    ids = [nct(i) for i in range(a.start, a.start + a.n)]
    t0 = time.monotonic()
    workers = [Worker(a.url, a.dsn) for _ in range(max(1, a.concurrency))]
    if len(workers) == 1:
        for i in ids:
            workers[0].poll(i)
    else:
        lock = threading.Lock()
        it = iter(ids)

        def run(w):
            while True:
                with lock:
                    i = next(it, None)
                if i is None:
                    return
                w.poll(i)
        threads = [threading.Thread(target=run, args=(w,)) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    seconds = time.monotonic() - t0
    out = {k: sum(getattr(w, k) for w in workers)
           for k in ("requests", "ok", "not_found", "errors")}
    with workers[0].db.cursor() as cur:
        cur.execute("SELECT count(*) FROM naive_studies")
        out["rows"] = cur.fetchone()[0]
    workers[0].db.rollback()
    for w in workers:
        w.close()
    out["seconds"] = round(seconds, 3)
    print(json.dumps(out))
    return 0 if out["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
