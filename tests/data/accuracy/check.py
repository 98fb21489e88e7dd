#!/usr/bin/env python3
"""Validate the claim-accuracy corpus (tests/data/accuracy) and count it.

    python3 tests/data/accuracy/check.py              check, print counts
    python3 tests/data/accuracy/check.py --registry   also print the registry table

Standard library only.  Exit status 0 when the corpus is consistent and the
minimums of issue 15 are met, 1 otherwise (every problem is printed as
"error: ..." naming the page and line or the NCT ID).

What is checked, row by row of expected.tsv:
  - the columns and their vocabularies (kind, verdict, rule);
  - the page exists, has an accepted extension, and the line is within it;
  - the note starts with the claim's phrase in double quotes, and that phrase
    starts on the given line (after the page is read as plain text: tags
    dropped, comments kept, entities decoded, whitespace and line breaks
    collapsed, case folded), so a label cannot drift from its text;
  - the trial is named on that line, earlier in its block, in the heading
    above it, or earlier on the page (by NCT ID, by the registry's acronym,
    or by a name the page ties to the ID as "NAME (NCT...)");
  - the nct_id has a registry record, and the verdict agrees with it:
      results-pending      stale iff results are posted
      publication-pending  stale iff a RESULT reference is listed
      status               stale iff the registry status is outside the
                           claimed set the note names ("claims R|EBI")
      mention              stale only as identity-mismatch (by hand)
    and ok/recheck agree with the as-of date the note names ("as-of
    YYYY-MM-DD"), today and the registry's dates (registry-updated,
    claim-expired after 180 days, results-submitted);
  - the note's [tags] are known; every failure family of the issue has cases.
"""

import collections
import datetime
import html
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PAGES = os.path.join(HERE, "pages")
REGISTRY = os.path.join(HERE, "registry")
EXPECTED = os.path.join(HERE, "expected.tsv")

TODAY = datetime.date(2026, 12, 1)      # CTMIRROR_NOW the labels assume
STALE_AFTER = 180                       # days, ctmirror's default
EXTS = (".md", ".markdown", ".txt", ".html", ".htm")
HEADER = ["page", "line", "nct_id", "kind", "verdict", "rule", "note"]
KINDS = ("results-pending", "publication-pending", "status", "mention")
VERDICTS = ("stale", "recheck", "ok", "none")
STALE_RULE = {"results-pending": "results-posted",
              "publication-pending": "publication-linked",
              "status": "status-changed",
              "mention": "identity-mismatch"}

# Claimed status sets a note may name ("claims R|EBI").
SETS = {
    "NYR": {"NOT_YET_RECRUITING"},
    "R": {"RECRUITING"},
    "EBI": {"ENROLLING_BY_INVITATION"},
    "ANR": {"ACTIVE_NOT_RECRUITING"},
    "C": {"COMPLETED"},
    "T": {"TERMINATED"},
    "W": {"WITHDRAWN"},
    "S": {"SUSPENDED"},
    "U": {"UNKNOWN"},
    "ACT": {"NOT_YET_RECRUITING", "RECRUITING", "ENROLLING_BY_INVITATION",
            "ACTIVE_NOT_RECRUITING"},
}

# Tags a note may carry, by the failure family of issue 15 they test.
FAMILIES = collections.OrderedDict([
    ("F1 two trials in one sentence", ["two-trials"]),
    ("F2 phrase out of context", [
        "verb-of-other", "quoted-correction", "html-comment", "quotation",
        "reported-speech", "question", "participle", "subordinate",
        "negation", "has-since", "hypothetical", "not-pending", "history",
        "code", "link-target"]),
    ("F3 phrases not seen", ["words-between", "entity", "wrapped-line",
                             "phrasing"]),
    ("F4 says more than the rule hears", ["says-more"]),
    ("F5 dates the page gives", [
        "date-fm-date", "date-fm-updated", "date-report-line",
        "date-last-reviewed", "date-intro", "date-inline"]),
    ("other", ["plain", "table", "implied", "relative-clause", "identity",
               "html-export", "entity-name"]),
])
TAG_FAMILY = {t: f for f, ts in FAMILIES.items() for t in ts}
# Cases the issue names one by one: each needs at least this many rows.
REQUIRED_TAGS = [t for f, ts in FAMILIES.items() if f != "other" for t in ts]
REQUIRED_MIN = 3
# Phrasings the issue names: each must be the phrase of some row.
REQUIRED_PHRASINGS = ["made available", "not reported yet", "expected in 2026",
                      "readout due", "enrolment complete",
                      "enrolment is continuing"]

MIN_ROWS, MIN_MUST_NOT, MIN_STYLES, MIN_PAGES = 300, 100, 12, 24
MIN_TRIALS, MAX_TRIALS = 25, 50

errors = []


def err(msg):
    errors.append(msg)


# ------------------------------------------------------------ the registry

def day(s):
    """A registry or note date: YYYY-MM-DD, or YYYY-MM as its first day."""
    if s is None:
        return None
    if re.fullmatch(r"\d{4}-\d{2}", s):
        s += "-01"
    return datetime.date.fromisoformat(s)


def load_registry():
    reg = {}
    for name in sorted(os.listdir(REGISTRY)):
        if not name.endswith(".json"):
            continue
        path = os.path.join(REGISTRY, name)
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        p = d["protocolSection"]
        nct = p["identificationModule"]["nctId"]
        if name != nct + ".json":
            err("registry/%s: nctId is %s" % (name, nct))
        if not re.fullmatch(r"NCT\d{8}", nct) or nct == "NCT00000000":
            err("registry/%s: not a valid NCT ID" % name)
        st = p["statusModule"]
        refs = p.get("referencesModule", {}).get("references", [])
        unposted = (d.get("annotationSection", {}).get("annotationModule", {})
                    .get("unpostedAnnotation", {}).get("unpostedEvents", []))
        tracking = (d.get("derivedSection", {}).get("miscInfoModule", {})
                    .get("submissionTracking", {}))
        submitted = None
        if unposted:
            submitted = min(e["date"] for e in unposted)
        elif tracking.get("estimatedResultsFirstSubmitDate"):
            submitted = tracking["estimatedResultsFirstSubmitDate"]
        posted = st.get("resultsFirstPostDateStruct", {}).get("date")
        reg[nct] = {
            "acronym": p["identificationModule"].get("acronym"),
            "title": p["identificationModule"]["briefTitle"],
            "status": st["overallStatus"],
            "last_known": st.get("lastKnownStatus"),
            "why": st.get("whyStopped"),
            "has_results": bool(d.get("hasResults")) or posted is not None,
            "results_posted": posted,
            "result_pmids": [r["pmid"] for r in refs
                             if r.get("type") == "RESULT" and r.get("pmid")],
            "submitted": None if posted else submitted,
            "last_update": st["lastUpdatePostDateStruct"]["date"],
        }
    return reg


# ------------------------------------------------ the page as readers see it

ENTITY = re.compile(r"&(#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
QUOTE = re.compile(r"[ \t]*(?:>[ \t]?)+")   # Markdown blockquote markers
TAG = re.compile(r"<(?:!--|--|/?[A-Za-z][^<>]*)>|<!--|-->")
DROP = set("*`_\u200b")
SPACE = set(" \t\r\n\u00a0\u202f\u2009\u2007\u3000")
FOLD = {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'}


def flatten(text):
    """Plain text of a page with the 1-based source line of each character.

    Tags are dropped (an HTML comment's words are kept: hidden claims are
    labelled too), entities decoded, Markdown emphasis and code marks and
    blockquote markers dropped, whitespace collapsed, case folded.
    """
    out, lines = [], []
    line = 1
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start:
            at_line_start = False
            m = QUOTE.match(text, i)
            if m:
                i = m.end()
                continue
        if c == "<":
            m = TAG.match(text, i)
            if m:
                line += text.count("\n", i, m.end())
                i = m.end()
                _push(out, lines, " ", line)
                continue
        if c == "&":
            m = ENTITY.match(text, i)
            if m:
                dec = html.unescape(m.group(0))
                for ch in dec:
                    _push(out, lines, ch, line)
                i = m.end()
                continue
        if c == "\n":
            _push(out, lines, " ", line)
            line += 1
            i += 1
            at_line_start = True
            continue
        _push(out, lines, c, line)
        i += 1
    return "".join(out), lines


def _push(out, lines, ch, line):
    if ch in DROP:
        return
    ch = FOLD.get(ch, ch)
    if ch in SPACE:
        if out and out[-1] == " ":
            return
        ch = " "
    out.append(ch.lower())
    lines.append(line)


def norm_phrase(s):
    flat, _ = flatten(s)
    return flat.strip()


def phrase_lines(flat, lines, phrase):
    """Source lines on which each occurrence of phrase starts."""
    res, start = [], 0
    while True:
        k = flat.find(phrase, start)
        if k < 0:
            return res
        res.append(lines[k])
        start = k + 1


# ---------------------------------------------------------------- naming

def page_names(text, reg):
    """name -> NCT ID for the names a page ties to IDs, plus acronyms."""
    names = {}
    for nct, r in reg.items():
        if r["acronym"]:
            names[r["acronym"]] = nct
    for m in re.finditer(r"([A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)\s*[\(\[]\s*"
                         r"(NCT\d{8})", text):
        names.setdefault(m.group(1), m.group(2))
    return names


def names_on(line_text, nct, names):
    if nct in line_text:
        return True
    for name, n in names.items():
        if n == nct and re.search(r"(?<![A-Za-z0-9-])" + re.escape(name) +
                                  r"(?![A-Za-z0-9])", line_text):
            return True
    return False


HEADING = re.compile(r"^\s*(#{1,6}\s|<h[1-6][ >]|title:\s|Slide \d+|"
                     r"[A-Z0-9][A-Z0-9 ,:&()/-]{3,}$|\d+(\.\d+)*\.?\s+\S)")


def naming(src_lines, lineno, nct, names):
    """How the row's trial is named: line, block, heading, page, after or
    None."""
    if names_on(src_lines[lineno - 1], nct, names):
        return "line"
    k = lineno - 1
    while k > 0 and src_lines[k - 1].strip():
        k -= 1
        if names_on(src_lines[k], nct, names):
            return "block"
    # The nearest heading above the block.
    j = k - 1
    while j >= 0:
        if src_lines[j].strip() and HEADING.match(src_lines[j]):
            if names_on(src_lines[j], nct, names):
                return "heading"
            break
        j -= 1
    for j in range(lineno - 2, -1, -1):
        if names_on(src_lines[j], nct, names):
            return "page"
    # Named after the phrase: later in its block ("Both are withdrawn" under
    # a table), or in the answer below a question heading.
    j = lineno
    while j < len(src_lines) and src_lines[j].strip():
        if names_on(src_lines[j], nct, names):
            return "after"
        j += 1
    if HEADING.match(src_lines[lineno - 1]) or \
            src_lines[lineno - 1].lstrip().startswith("**Q"):
        while j < len(src_lines) and not src_lines[j].strip():
            j += 1
        if j < len(src_lines) and names_on(src_lines[j], nct, names):
            return "after"
    return None


# ------------------------------------------------------------- the labels

def parse_note(note):
    """(phrase, tags, rest) from '"phrase" [tag,tag] words'."""
    m = re.match(r'^"(.+?)"\s+\[([a-z0-9,-]+)\]\s*(.*)$', note)
    if not m:
        return None
    return m.group(1), m.group(2).split(","), m.group(3)


def rechecks(kind, as_of, r):
    """The recheck rules a true claim of kind with date as_of would get."""
    out = []
    if kind == "mention":
        return out
    if kind == "results-pending" and r["submitted"] and not r["has_results"]:
        out.append("results-submitted")
    if as_of is not None:
        if day(r["last_update"]) > as_of:
            out.append("registry-updated")
        if kind in ("results-pending", "publication-pending") and \
                (TODAY - as_of).days > STALE_AFTER:
            out.append("claim-expired")
    return out


def contradicted(kind, claimed, r):
    if kind == "results-pending":
        return r["has_results"]
    if kind == "publication-pending":
        return bool(r["result_pmids"])
    if kind == "status":
        return r["status"] not in claimed
    return None


def check_row(n, row, reg, pages):
    page, line, nct, kind, verdict, rule, note = row
    where = "expected.tsv:%d: %s:%s" % (n, page, line)
    if kind not in KINDS:
        err("%s: kind %r" % (where, kind))
        return None
    if verdict not in VERDICTS:
        err("%s: verdict %r" % (where, verdict))
        return None
    if verdict == "stale":
        if rule != STALE_RULE[kind]:
            err("%s: a stale %s claim needs rule %s, not %r" %
                (where, kind, STALE_RULE[kind], rule))
    elif rule != "-":
        err("%s: rule must be '-' unless the verdict is stale" % where)
    if not page.endswith(EXTS):
        err("%s: page extension not one of %s" % (where, " ".join(EXTS)))
    if page not in pages:
        path = os.path.join(PAGES, page)
        if not os.path.isfile(path):
            err("%s: no such page" % where)
            return None
        with open(path, encoding="utf-8") as f:
            text = f.read()
        flat, lines = flatten(text)
        pages[page] = (text, text.split("\n"), flat, lines)
    text, src_lines, flat, lines = pages[page]
    if not line.isdigit() or not 1 <= int(line) <= len(src_lines):
        err("%s: line outside the page (%d lines)" % (where, len(src_lines)))
        return None
    lineno = int(line)
    if nct not in reg:
        err("%s: %s has no registry record" % (where, nct))
        return None
    parsed = parse_note(note)
    if not parsed:
        err('%s: note must start with "phrase" [tags]' % where)
        return None
    phrase, tags, rest = parsed
    for t in tags:
        if t not in TAG_FAMILY:
            err("%s: unknown tag %r" % (where, t))
    starts = phrase_lines(flat, lines, norm_phrase(phrase))
    if not starts:
        err("%s: phrase %r not on the page" % (where, phrase))
    elif lineno not in starts:
        err("%s: phrase %r starts on line(s) %s" % (where, phrase, starts))
    how = naming(src_lines, lineno, nct, page_names(text, reg))
    if how is None:
        err("%s: %s is not named on the page before its claim" % (where, nct))
    r = reg[nct]
    m = re.search(r"\bas-of (\d{4}-\d{2}-\d{2})\b", rest)
    as_of = day(m.group(1)) if m else None
    claimed = None
    if kind == "status" and verdict != "none":
        m = re.search(r"\bclaims ([A-Z|]+)", rest)
        if not m or any(c not in SETS for c in m.group(1).split("|")):
            err("%s: a status row needs 'claims SET' (SET from %s)" %
                (where, " ".join(SETS)))
            return None
        claimed = set().union(*(SETS[c] for c in m.group(1).split("|")))
    if verdict != "none" and kind != "mention":
        c = contradicted(kind, claimed, r)
        if verdict == "stale" and not c:
            err("%s: labelled stale but the registry agrees (%s)" %
                (where, describe(r)))
        if verdict in ("ok", "recheck") and c:
            err("%s: labelled %s but the registry contradicts it (%s)" %
                (where, verdict, describe(r)))
        rc = rechecks(kind, as_of, r)
        if verdict == "ok" and rc:
            err("%s: labelled ok but would get %s" % (where, "+".join(rc)))
        if verdict == "recheck" and not rc:
            err("%s: labelled recheck but no recheck rule applies" % where)
    if kind == "mention" and verdict not in ("stale", "ok", "none"):
        err("%s: a mention is stale (identity-mismatch), ok or none" % where)
    return {"page": page, "style": page.split("/")[0], "line": lineno,
            "nct": nct, "kind": kind, "verdict": verdict, "tags": tags,
            "phrase": phrase, "how": how}


def describe(r):
    s = r["status"]
    if r["has_results"]:
        s += ", results posted " + r["results_posted"]
    if r["result_pmids"]:
        s += ", RESULT PMID " + ",".join(r["result_pmids"])
    return s


# ---------------------------------------------------------------- report

def table(title, counter_rows, cols):
    print("\n| %s | %s | total |" % (title, " | ".join(cols)))
    print("|---|" + "---:|" * (len(cols) + 1))
    tot = collections.Counter()
    for key, c in counter_rows:
        print("| %s | %s | %d |" % (key, " | ".join(str(c[x]) for x in cols),
                                   sum(c[x] for x in cols)))
        tot.update(c)
    print("| **all** | %s | %d |" % (" | ".join(str(tot[x]) for x in cols),
                                     sum(tot[x] for x in cols)))


def registry_table(reg, cited):
    print("\n| NCT ID | acronym | brief title | status | results posted | "
          "RESULT PMIDs | results submitted, not posted | last update "
          "posted | pages |")
    print("|---|---|---|---|---|---|---|---|---:|")
    for nct, r in sorted(reg.items()):
        st = r["status"]
        if r["last_known"]:
            st += " (last known %s)" % r["last_known"]
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %d |" % (
            nct, r["acronym"] or "-", r["title"], st,
            r["results_posted"] or "no",
            ", ".join(r["result_pmids"]) or "-", r["submitted"] or "-",
            r["last_update"], len(cited.get(nct, ()))))


def main():
    reg = load_registry()
    rows = []
    with open(EXPECTED, encoding="utf-8") as f:
        head = f.readline().rstrip("\n").split("\t")
        if head != HEADER:
            err("expected.tsv: header must be %s" % "\t".join(HEADER))
        for n, raw in enumerate(f, 2):
            raw = raw.rstrip("\n")
            if not raw:
                continue
            row = raw.split("\t")
            if len(row) != len(HEADER):
                err("expected.tsv:%d: %d columns, not %d" %
                    (n, len(row), len(HEADER)))
                continue
            rows.append((n, row))
    pages, done, seen = {}, [], set()
    for n, row in rows:
        r = check_row(n, row, reg, pages)
        if r:
            key = (r["page"], r["line"], r["nct"], r["kind"], r["phrase"])
            if key in seen:
                err("expected.tsv:%d: duplicate row %s" % (n, key))
            seen.add(key)
            done.append(r)

    # Every page is labelled; every NCT ID a page names has a record.
    all_pages = []
    for root, _, files in os.walk(PAGES):
        for fn in files:
            rel = os.path.relpath(os.path.join(root, fn), PAGES)
            all_pages.append(rel)
            if not fn.endswith(EXTS):
                err("pages/%s: extension not one of %s" % (rel, " ".join(EXTS)))
    cited = collections.defaultdict(set)
    for rel in all_pages:
        with open(os.path.join(PAGES, rel), encoding="utf-8") as f:
            text = f.read()
        for m in re.finditer(r"NCT\d{8}", text):
            cited[m.group(0)].add(rel)
            if m.group(0) not in reg:
                err("pages/%s: %s has no registry record" % (rel, m.group(0)))
        if rel not in {r["page"] for r in done}:
            err("pages/%s: no labelled claims" % rel)
    for nct in reg:
        if nct not in cited:
            err("registry/%s.json: no page cites it" % nct)

    by_verdict = collections.Counter(r["verdict"] for r in done)
    must_not = by_verdict["ok"] + by_verdict["none"]
    styles = sorted({r["style"] for r in done})
    print("corpus: %d labelled claims on %d pages in %d styles, %d trials "
          "in the registry" % (len(done), len({r["page"] for r in done}),
                               len(styles), len(reg)))
    print("verdicts: %s" % ", ".join("%s %d" % (v, by_verdict[v])
                                     for v in VERDICTS))
    print("must not flag stale: %d (ok %d + none %d; the %d recheck rows "
          "must not flag stale either)" % (must_not, by_verdict["ok"],
                                           by_verdict["none"],
                                           by_verdict["recheck"]))
    stale_rules = collections.Counter(STALE_RULE[r["kind"]] for r in done
                                      if r["verdict"] == "stale")
    print("stale rows by rule: %s" % ", ".join(
        "%s %d" % kv for kv in sorted(stale_rules.items())))
    keys = collections.defaultdict(set)
    for r in done:
        if r["verdict"] == "stale":
            keys[(r["page"], r["nct"], r["kind"])].add(r["line"])
    multi = sum(1 for v in keys.values() if len(v) > 1)
    print("stale flag keys (page, trial, kind, rule): %d; %d of them on more "
          "than one line of their page" % (len(keys), multi))
    hows = collections.Counter(r["how"] or "-" for r in done)
    print("trial named: %s" % ", ".join("%s %d" % kv for kv in
                                        sorted(hows.items())))

    per_style = collections.defaultdict(collections.Counter)
    for r in done:
        per_style[r["style"]][r["verdict"]] += 1
    table("style (pages)", [("%s (%d)" % (s, len({r["page"] for r in done
                                                  if r["style"] == s})),
                             per_style[s]) for s in styles], list(VERDICTS))
    per_kind = collections.defaultdict(collections.Counter)
    for r in done:
        per_kind[r["kind"]][r["verdict"]] += 1
    table("kind", [(k, per_kind[k]) for k in KINDS], list(VERDICTS))
    per_tag = collections.defaultdict(collections.Counter)
    per_fam = collections.defaultdict(collections.Counter)
    for r in done:
        for t in r["tags"]:
            per_tag[t][r["verdict"]] += 1
        for f in {TAG_FAMILY.get(t) for t in r["tags"]} - {None}:
            per_fam[f][r["verdict"]] += 1
    table("family (rows with a tag of it)",
          [(f, per_fam[f]) for f in FAMILIES], list(VERDICTS))
    table("case (tag)", [("%s: %s" % (TAG_FAMILY[t].split()[0], t), per_tag[t])
                         for f, ts in FAMILIES.items() for t in ts
                         if per_tag[t]], list(VERDICTS))

    # The minimums.
    if len(done) < MIN_ROWS:
        err("only %d labelled claims (minimum %d)" % (len(done), MIN_ROWS))
    if must_not < MIN_MUST_NOT:
        err("only %d must-not-flag rows (minimum %d)" % (must_not, MIN_MUST_NOT))
    if len(styles) < MIN_STYLES:
        err("only %d styles (minimum %d)" % (len(styles), MIN_STYLES))
    if len(all_pages) < MIN_PAGES:
        err("only %d pages (minimum %d)" % (len(all_pages), MIN_PAGES))
    if not MIN_TRIALS <= len(reg) <= MAX_TRIALS:
        err("%d registry records (want %d-%d)" % (len(reg), MIN_TRIALS,
                                                 MAX_TRIALS))
    for t in REQUIRED_TAGS:
        if sum(per_tag[t].values()) < REQUIRED_MIN:
            err("case %s has %d rows (minimum %d)" %
                (t, sum(per_tag[t].values()), REQUIRED_MIN))
    for p in REQUIRED_PHRASINGS:
        if not any(p in norm_phrase(r["phrase"]) for r in done):
            err("no row has the phrasing %r" % p)
    statuses = collections.Counter(r["status"] for r in reg.values())
    print("\nregistry statuses: %s" % ", ".join("%s %d" % kv for kv in
                                              sorted(statuses.items())))
    if "--registry" in sys.argv[1:]:
        registry_table(reg, cited)
    for e in errors:
        print("error: " + e, file=sys.stderr)
    print("\n%s" % ("FAILED: %d problems" % len(errors) if errors else
                    "OK: all checks pass, minimums met"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
