"""Stages of tests/reliability/run for issue 21: a steady state that writes
only what changed, run records that say what happened, and the hostile
filesystems and output it found (tests/reliability/README.md):

  steady_state     no change writes no row but the run's; a page whose
                   lines move keeps its flags (no new ID); retention through
                   the binary prunes delivered alerts, never undelivered
  unlistable_folder, missing_share, lasting_skip, page_rewritten
                   a folder that cannot be listed, a named folder that is
                   not there, a permanently skipped page beside a deleted
                   one, a page rewritten while syncs read it
  hostile_output   control bytes in an HTTP error body and Content-Type;
                   scan of a page of 100,000 list items

Each is a regression test that fails on the main branch before the fix.
The functions take the runner's Env; helpers come from the runner module.
"""
import os
import re
import shutil
import tempfile
import threading
import time

R = None	# the runner module, set by the runner (psql, die, write, ...)

NOW = {"CTMIRROR_NOW": "2026-11-23"}


def _claims_page(ids, tag=""):
    """One list item per trial whose claim is dated long ago: one
    claim-expired flag each, whatever the registry says."""
    return "# Claims%s\n\n" % tag + "".join(
        f"- {nct}: results pending as of 2020-01-01.\n" for nct in ids)


def _shared_dir(env):
    """A folder `nobody` can walk (the runner's own is private)."""
    d = tempfile.mkdtemp(prefix="ctmirror-rel-steady-")
    os.chmod(d, 0o755)
    env.cleanup.append(d)
    return d


def _name(env, path):
    """A page's stored name: its path under [pages] root (by default the
    common parent of [pages] paths), which the stage sets as env.root."""
    return os.path.relpath(path, env.root)


def _open_flags(env, like):
    return R.psql(env.db, "SELECT string_agg(f.flag_id::text, ',' ORDER BY "
                  "f.flag_id) FROM flags f JOIN pages p USING (page_id) "
                  f"WHERE p.path LIKE '{_name(env, like)}' "
                  "AND f.resolved_at IS NULL")


def _max_flag(env):
    return int(R.psql(env.db, "SELECT coalesce(max(flag_id), 0) FROM flags"))


def _row_versions(env):
    """ctid, xmin and xmax of every row of every table but sync_runs: the
    same before and after = nothing written, not even a row lock."""
    tables = ["trials", "study_versions", "study_changes", "trial_aliases",
              "sync_errors", "pages", "claims", "flags", "alert_outbox"]
    return R.psql(env.db, " UNION ALL ".join(
        f"SELECT '{t}: ' || md5(coalesce(string_agg(ctid::text || "
        f"xmin::text || '/' || xmax::text, ',' ORDER BY ctid), '')) FROM {t}"
        for t in tables))


# ---------------------------------------------------------- steady state

def steady_state(env):
    n = 0
    folder = _shared_dir(env)
    R.write(os.path.join(folder, "a.md"), _claims_page(env.ids[:10]))
    R.write(os.path.join(folder, "b.md"), _claims_page(env.ids[10:20]))
    env.fresh_db(extra="notify = yes\n[pages]\npaths = %s\n" % folder)
    env.root = folder
    env.ctm("sync", want=0, env=NOW)
    env.ctm("sync", want=0, env=NOW)
    # Nothing moved: no row written, locked or deleted but the run's.
    before = _row_versions(env)
    runs = env.runs()
    env.ctm("sync", want=0, env=NOW)
    if _row_versions(env) != before:
        R.die("steady state: a sync with nothing changed wrote rows:\n"
              f"{before}\n{_row_versions(env)}")
    if env.runs() != runs + 1:
        R.die("steady state: no run record")
    n += 1
    # The page's lines move ten times: its flags move with them, no new
    # flag, no flag ID taken, nothing announced again.
    top = _max_flag(env)
    alerts = R.psql(env.db, "SELECT count(*) FROM alert_outbox")
    page = os.path.join(folder, "a.md")
    for i in range(10):
        with open(page) as f:
            text = f.read()
        R.write(page, f"Reviewed {i}.\n\n" + text)
        env.ctm("sync", want=0, env=NOW)
    if _max_flag(env) != top:
        R.die(f"steady state: flag IDs went from {top} to {_max_flag(env)} "
              "while no claim was new")
    if R.psql(env.db, "SELECT count(*) FROM alert_outbox") != alerts:
        R.die("steady state: flags announced again when lines moved")
    if R.psql(env.db, "SELECT min(line) FROM flags f JOIN pages p USING "
              f"(page_id) WHERE p.path = '{_name(env, page)}'") != "23":
        R.die("steady state: the flags did not follow their lines")
    env.check_invariants("lines moved")
    n += 1
    # Retention through the binary: delivered alerts and runs older than
    # the settings go; an undelivered alert (a sink no longer configured)
    # and runs that stored versions stay.
    R.psql(env.db, "UPDATE alert_outbox SET sink = 'webhook', delivered_at "
           "= NULL WHERE alert_id = (SELECT min(alert_id) FROM "
           "alert_outbox); UPDATE alert_outbox SET delivered_at = "
           "delivered_at - interval '1 hour' WHERE delivered_at IS NOT NULL; "
           "UPDATE sync_runs SET started_at = started_at - interval '1 hour',"
           " finished_at = finished_at - interval '1 hour'")
    with open(env.conf) as f:
        text = f.read()
    R.write(env.conf, text.replace("[database]\n", "[database]\n"
                                   "retain_delivered_alerts = 1s\n"
                                   "retain_runs = 1s\n", 1))
    env.ctm("sync", want=0, env=NOW)
    left = R.psql(env.db, "SELECT count(*) || '|' || count(*) FILTER (WHERE "
                  "delivered_at IS NULL) FROM alert_outbox")
    if left != "1|1":
        R.die(f"retention: alert rows (all|undelivered) = {left}, want 1|1")
    extra = R.psql(env.db, "SELECT count(*) FROM sync_runs r WHERE NOT "
                   "EXISTS (SELECT 1 FROM study_versions v WHERE v.run_id = "
                   "r.run_id) AND r.run_id < (SELECT max(run_id) FROM "
                   "sync_runs)")
    if extra != "0":
        R.die(f"retention: {extra} old runs without versions kept")
    if R.psql(env.db, "SELECT count(*) FROM study_versions v WHERE NOT "
              "EXISTS (SELECT 1 FROM sync_runs r WHERE r.run_id = "
              "v.run_id)") != "0" or _max_flag(env) != top:
        R.die("retention: a version lost its run, or a flag went")
    env.check_invariants("retention")
    n += 1
    env.figure("steady state: no-op sync writes nothing, lines move in "
               "place, retention prunes only what it may", n)


# --------------------------------------------------------- hostile pages

def _as_nobody(env, *argv, want=0):
    """ctmirror as `nobody` (root reads any folder), with a copy of the
    config where nobody can read it."""
    conf = os.path.join(os.path.dirname(env.steady_kb), "ctmirror.conf")
    shutil.copy(env.conf, conf)
    os.chmod(conf, 0o644)
    return env.ctm(*argv, want=want, env=NOW, user="nobody", conf=conf)


def _kb(env):
    """kb/{open, binary, deleted}.md, kb/locked/inner.md and share/
    shared.md, each with five open flags, synced once as nobody."""
    root = _shared_dir(env)
    kb = os.path.join(root, "kb")
    share = os.path.join(root, "share")
    os.makedirs(os.path.join(kb, "locked"))
    os.makedirs(share)
    for d in (kb, os.path.join(kb, "locked"), share):
        os.chmod(d, 0o755)
    pages = [("open.md", 0), ("locked/inner.md", 5), ("binary.md", 10),
             ("deleted.md", 15)]
    for name, k in pages:
        R.write(os.path.join(kb, name), _claims_page(env.ids[k:k + 5]),
                0o644)
    R.write(os.path.join(share, "shared.md"), _claims_page(env.ids[20:25]),
            0o644)
    env.fresh_db(extra=f"[pages]\npaths = {kb} {share}\n")
    env.root = root
    env.steady_kb = kb
    _as_nobody(env, "sync")
    if not _open_flags(env, f"{kb}/locked/%"):
        R.die("hostile pages: no flags raised to begin with")
    return kb, share


def unlistable_folder(env):
    """A folder that cannot be listed: its pages are skipped, not gone
    (main resolved their flags, then raised and announced them again
    under new IDs once the folder could be read)."""
    kb, _ = _kb(env)
    top = _max_flag(env)
    locked = _open_flags(env, f"{kb}/locked/%")
    os.chmod(os.path.join(kb, "locked"), 0)
    r = _as_nobody(env, "sync")
    if _open_flags(env, f"{kb}/locked/%") != locked:
        R.die("unlistable folder: its pages' flags were resolved")
    R.expect_message("unlistable folder", r.stderr,
                     r"page folder=\S*/locked: skipped: cannot be listed")
    os.chmod(os.path.join(kb, "locked"), 0o755)
    _as_nobody(env, "sync")
    if _max_flag(env) != top or _open_flags(env, f"{kb}/locked/%") != locked:
        R.die("unlistable folder: flags raised again once it could be read")
    env.check_invariants("unlistable folder")
    env.figure("unlistable folder: flags kept, not announced again", 1)


def missing_share(env):
    """A named folder that is not there (a share not mounted): kept too."""
    _, share = _kb(env)
    top = _max_flag(env)
    shared = _open_flags(env, f"{share}/%")
    os.rename(share, share + ".unmounted")
    r = _as_nobody(env, "sync")
    if _open_flags(env, f"{share}/%") != shared:
        R.die("missing share: its pages' flags were resolved")
    R.expect_message("missing share", r.stderr, re.escape(share) +
                     ": matches nothing")
    os.rename(share + ".unmounted", share)
    _as_nobody(env, "sync")
    if _max_flag(env) != top:
        R.die("missing share: flags raised again once it was back")
    env.check_invariants("missing share")
    env.figure("missing share: flags kept, not announced again", 1)


def lasting_skip(env):
    """One page skipped for good beside a page deleted: the deleted one's
    flags resolve (main kept every page's flags open while any page was
    skipped), the skipped one's stay, and a lasting skip is reported."""
    kb, _ = _kb(env)
    binary = _open_flags(env, f"{kb}/binary.md")
    R.write(os.path.join(kb, "binary.md"), b"\x00binary now" * 100, 0o644)
    os.unlink(os.path.join(kb, "deleted.md"))
    _as_nobody(env, "sync")
    if _open_flags(env, f"{kb}/deleted.md"):
        R.die("skip beside a deleted page: the deleted page's flags stay "
              "open")
    if _open_flags(env, f"{kb}/binary.md") != binary:
        R.die("skip beside a deleted page: the skipped page lost its flags")
    r = _as_nobody(env, "sync")
    R.expect_message("lasting skip", r.stderr,
                     r"pages: 1 page still skipped, claims and open flags "
                     r"kept until it reads again: \S*/binary\.md \(since ")
    st = env.ctm("status", want=0)
    R.expect_message("lasting skip in status", st.stdout,
                     r"pages skipped: 1, their claims and flags kept")
    env.check_invariants("skip beside a deleted page")
    env.figure("lasting skip beside a deleted page: scoped and reported", 1)


def page_rewritten(env):
    """A page rewritten (in two pieces, with a pause) while syncs read it:
    never judged half-written, so its flags are never resolved and raised
    again."""
    kb, _ = _kb(env)
    page = os.path.join(kb, "open.md")
    text = _claims_page(env.ids[:5])
    flags = _open_flags(env, page)
    top = _max_flag(env)
    stop = threading.Event()

    def rewrite():
        half = len(text) // 2
        while not stop.is_set():
            with open(page, "r+") as f:
                f.truncate(0)
                f.write(text[:half])
                f.flush()
                time.sleep(0.03)
                f.write(text[half:])
            time.sleep(0.02)

    t = threading.Thread(target=rewrite, daemon=True)
    t.start()
    try:
        for i in range(12):
            env.ctm("sync", env=NOW)
            if _open_flags(env, page) != flags or _max_flag(env) != top:
                R.die(f"page rewritten while read: flags changed in sync "
                      f"{i + 1} ({flags} -> {_open_flags(env, page)})")
    finally:
        stop.set()
        t.join()
    env.check_invariants("page rewritten while read")
    env.figure("page rewritten while 12 syncs read it: flags unchanged", 12)


# -------------------------------------------------------- hostile output

class _Hostile:
    """An HTTP server that answers with escape sequences: mode "body", a
    500 whose body has them; mode "type", a 200 whose Content-Type has."""

    def __init__(self):
        import http.server
        owner = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                body = (b"\x1b]0;pwned\x07\x1b[2Jboom\x9b31m\n"
                        b"ctmirror: error: forged line\n")
                if owner.mode == "body":
                    self.send_response(500)
                    self.send_header("Content-Type", "text/plain")
                else:
                    self.send_response(200)
                    self.send_header("Content-Type",
                                     "text/html\x1b]0;pwned\x07\x1b[31m")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.mode = "body"
        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.srv.daemon_threads = True
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.srv.server_address[1]}/api/v2"

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()


def _safe(what, text):
    if "\x1b" in text or "\x07" in text or "\x9b" in text:
        R.die(f"{what}: a control byte reached the terminal: {text!r}")
    if re.search(r"(^|\n)ctmirror: error: forged", text):
        R.die(f"{what}: a forged line: {text!r}")


def hostile_output(env):
    n = 0
    srv = _Hostile()
    try:
        env.fresh_db(base_url=srv.url)
        r = env.ctm("sync", want=1)
        _safe("HTTP error body", r.stderr)
        R.expect_message("HTTP error body", r.stderr,
                         re.escape("HTTP 500: ?]0;pwned??[2Jboom?31m"))
        n += 1
        srv.mode = "type"
        r = env.ctm("sync", want=1)
        _safe("Content-Type", r.stderr)
        R.expect_message("Content-Type", r.stderr, re.escape(
            "HTTP 200 but text/html?]0;pwned??[31m, not JSON"))
        n += 1
    finally:
        srv.stop()
    # scan of a page of 100,000 list items, each a claim: linear in the
    # claims (it took 53 s at 100,000 when each claim walked every
    # verdict of the page, minutes under the sanitizers).
    folder = _shared_dir(env)
    page = os.path.join(folder, "long.md")
    ids = env.ids
    R.write(page, "# Long\n\n" + "".join(
        f"- {ids[i % len(ids)]}: recruiting as of 2026-01-01.\n"
        for i in range(100000)))
    env.fresh_db()
    env.ctm("sync", want=0)
    t0 = time.monotonic()
    # A gate: exit 1 for the stale claims among them; the summary is
    # stderr's.
    r = env.ctm("scan", page, timeout=120)
    secs = time.monotonic() - t0
    if r.returncode not in (0, 1):
        R.die(f"scan of 100,000 claims: exit {r.returncode}\n"
              f"{r.stderr[-3000:]}")
    R.expect_message("scan of 100,000 claims", r.stderr,
                     r"1 page, [1-9]\d{5} claims")
    env.figure(f"scan of a page of 100,000 claims ({secs:.1f} s)", 1)
    n += 1
    env.figure("hostile output: error body and Content-Type shown safely, "
               "100k-claim scan", n)
