#!/usr/bin/env python3
"""Write HERA's registry history for the fake registry (fakereg_history.c).

    gen.py OUT [--clones N]

writes OUT/NCT02982915.json (the current record) and
OUT/history/NCT02982915/0.json .. 31.json: 32 versions of HERA from its
registration in 2016 to a RESULT reference in 2026, made from the
hand-written records of tests/data/registry (version 27 is
default/NCT02982915.json, 28 variants/NCT02982915-unposted.json, 29 and 30
variants/NCT02982915-results.json without and with its RESULT reference).
Between them: the status moves (not yet recruiting, recruiting, suspended,
recruiting, active, completed), the primary completion date moves four
times while estimated and is then made actual, enrolment moves, sites,
eligibility and outcomes are edited, a reference is added, results are submitted
and then posted, and a RESULT reference is added.  Every version differs from the one before; its
lastUpdateSubmitDate is the date the fake's change list gives it.

--clones N also writes N copies under other IDs (NCT9000000x, ...), for the
benchmark.  The history is the same for every run: tests compare with it.
"""
import copy
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)
NCT = "NCT02982915"

# (submitted, posted, edits) for versions 1..27; each edit is applied to a
# copy of the version before.  Version 0 is built from the default record
# by EARLY below.
EARLY = {
    "status": "NOT_YET_RECRUITING",
    "start": {"date": "2017-01", "type": "ESTIMATED"},
    "primary": {"date": "2019-06", "type": "ESTIMATED"},
    "completion": {"date": "2019-12", "type": "ESTIMATED"},
    "enrollment": {"count": 40, "type": "ESTIMATED"},
    "pmids": ["39000001"],
}


def sm(r):
    return r["protocolSection"]["statusModule"]


def set_status(status, why=None):
    def edit(r):
        sm(r)["overallStatus"] = status
        if why:
            sm(r)["whyStopped"] = why
        else:
            sm(r).pop("whyStopped", None)
    return edit


def set_date(key, date, typ):
    def edit(r):
        sm(r)[key] = {"date": date, "type": typ}
    return edit


def set_enrollment(count, typ):
    def edit(r):
        r["protocolSection"]["designModule"]["enrollmentInfo"] = {
            "count": count, "type": typ}
    return edit


def add_reference(pmid):
    def edit(r):
        refs = r["protocolSection"]["referencesModule"]["references"]
        refs.append(copy.deepcopy(ALL_REFS[pmid]))
    return edit


SECOND_SITE = {"facility": "Longeveron Clinical Research Site 2",
               "city": "Orlando", "state": "Florida", "zip": "32806",
               "country": "United States",
               "geoPoint": {"lat": 28.53834, "lon": -81.37924}}


def add_site(r):
    r["protocolSection"]["contactsLocationsModule"]["locations"].append(
        copy.deepcopy(SECOND_SITE))


def drop_site(r):
    locs = r["protocolSection"]["contactsLocationsModule"]["locations"]
    locs[:] = [x for x in locs if x["facility"] != SECOND_SITE["facility"]]


def eligibility_final(r):
    r["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] = \
        FINAL["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]


def outcomes_final(r):
    r["protocolSection"]["outcomesModule"] = copy.deepcopy(
        FINAL["protocolSection"]["outcomesModule"])


def keywords_final(r):
    r["protocolSection"]["conditionsModule"]["keywords"] = list(
        FINAL["protocolSection"]["conditionsModule"]["keywords"])


def nothing(r):
    """Only the verification date moves (as every version's does)."""


STEPS = [
    ("2017-02-20", "2017-02-22", [set_status("RECRUITING"),
                                  set_date("startDateStruct", "2017-02-14",
                                           "ACTUAL")]),
    ("2017-06-01", "2017-06-05", [nothing]),
    ("2017-09-11", "2017-09-13", [eligibility_final]),
    ("2017-12-05", "2017-12-07", [nothing]),
    ("2018-03-12", "2018-03-14", [set_date("primaryCompletionDateStruct",
                                           "2019-12", "ESTIMATED")]),
    ("2018-06-20", "2018-06-22", [add_site]),
    ("2018-09-14", "2018-09-18", [nothing]),
    ("2018-12-03", "2018-12-05", [set_enrollment(45, "ESTIMATED")]),
    ("2019-03-11", "2019-03-13", [set_date("primaryCompletionDateStruct",
                                           "2020-06", "ESTIMATED"),
                                  set_date("completionDateStruct", "2020-12",
                                           "ESTIMATED")]),
    ("2019-06-17", "2019-06-19", [nothing]),
    ("2019-09-23", "2019-09-25", [add_reference("39000002")]),
    ("2019-12-09", "2019-12-11", [nothing]),
    ("2020-03-30", "2020-04-01", [set_status(
        "SUSPENDED", "Enrollment paused during the COVID-19 pandemic")]),
    ("2020-07-06", "2020-07-08", [set_status("RECRUITING")]),
    ("2020-10-19", "2020-10-21", [set_date("primaryCompletionDateStruct",
                                           "2021-03", "ESTIMATED")]),
    ("2021-01-11", "2021-01-13", [nothing]),
    ("2021-03-22", "2021-03-24", [set_date("primaryCompletionDateStruct",
                                           "2021-06", "ESTIMATED"),
                                  set_date("completionDateStruct", "2021-09",
                                           "ESTIMATED")]),
    ("2021-05-03", "2021-05-05", [set_status("ACTIVE_NOT_RECRUITING"),
                                  set_enrollment(43, "ACTUAL")]),
    ("2021-07-12", "2021-07-14", [set_date("primaryCompletionDateStruct",
                                           "2021-06-30", "ACTUAL")]),
    ("2021-10-11", "2021-10-13", [set_status("COMPLETED"),
                                  set_date("completionDateStruct",
                                           "2021-09-30", "ACTUAL")]),
    ("2022-01-17", "2022-01-19", [nothing]),
    ("2022-06-06", "2022-06-08", [outcomes_final]),
    ("2022-11-14", "2022-11-16", [keywords_final]),
    ("2023-05-08", "2023-05-10", [nothing]),
    ("2023-11-20", "2023-11-22", [drop_site]),
    ("2024-05-13", "2024-05-15", [nothing]),
    ("2025-01-13", "2025-01-15", [nothing]),
]


def load(path):
    with open(os.path.join(DATA, "registry", path), encoding="utf-8") as f:
        return json.load(f)


FINAL = load("default/NCT02982915.json")
UNPOSTED = load("variants/NCT02982915-unposted.json")
RESULTS = load("variants/NCT02982915-results.json")
ALL_REFS = {r["pmid"]: r for r in
            RESULTS["protocolSection"]["referencesModule"]["references"]}


def stamp(r, submitted, posted):
    s = sm(r)
    s["lastUpdateSubmitDate"] = submitted
    s["lastUpdatePostDateStruct"] = {"date": posted, "type": "ACTUAL"}
    s["statusVerifiedDate"] = submitted[:7]
    r["derivedSection"]["miscInfoModule"]["versionHolder"] = posted


def version0():
    r = copy.deepcopy(FINAL)
    s = sm(r)
    s["overallStatus"] = EARLY["status"]
    s["startDateStruct"] = dict(EARLY["start"])
    s["primaryCompletionDateStruct"] = dict(EARLY["primary"])
    s["completionDateStruct"] = dict(EARLY["completion"])
    r["protocolSection"]["designModule"]["enrollmentInfo"] = \
        dict(EARLY["enrollment"])
    r["protocolSection"]["referencesModule"]["references"] = [
        copy.deepcopy(ALL_REFS[p]) for p in EARLY["pmids"]]
    r["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] = \
        r["protocolSection"]["eligibilityModule"][
            "eligibilityCriteria"].replace("Age 60 to 95", "Age 65 to 95")
    r["protocolSection"]["conditionsModule"]["keywords"] = r[
        "protocolSection"]["conditionsModule"]["keywords"][:-1]
    om = r["protocolSection"]["outcomesModule"]["primaryOutcomes"][0]
    om["description"] = om.get("description", "") + " (draft)"
    first = s["studyFirstSubmitDate"]
    stamp(r, first, s["studyFirstPostDateStruct"]["date"])
    return r


def comparable(r):
    r = copy.deepcopy(r)
    r["derivedSection"]["miscInfoModule"].pop("versionHolder", None)
    return json.dumps(r, sort_keys=True)


def history():
    versions = [version0()]
    for submitted, posted, edits in STEPS:
        r = copy.deepcopy(versions[-1])
        for edit in edits:
            edit(r)
        stamp(r, submitted, posted)
        versions.append(r)
    # Version 27: the default record, reached by the steps above.
    if comparable(versions[-1]) != comparable(FINAL):
        sys.exit("gen.py: the steps do not lead to "
                 "registry/default/NCT02982915.json")
    versions[-1] = copy.deepcopy(FINAL)
    versions.append(copy.deepcopy(UNPOSTED))                        # 28
    posted = copy.deepcopy(RESULTS)                                 # 29
    refs = posted["protocolSection"]["referencesModule"]["references"]
    refs[:] = [x for x in refs if x.get("type") != "RESULT"]
    versions.append(posted)
    linked = copy.deepcopy(RESULTS)                                 # 30
    stamp(linked, "2026-09-01", "2026-09-03")
    versions.append(linked)
    last = copy.deepcopy(linked)                                    # 31
    stamp(last, "2026-10-05", "2026-10-07")
    versions.append(last)
    for a, b in zip(versions, versions[1:]):
        if comparable(a) == comparable(b):
            sys.exit("gen.py: two versions in a row are the same")
    return versions


def with_id(r, nct):
    r = copy.deepcopy(r)
    r["protocolSection"]["identificationModule"]["nctId"] = nct
    return r


def write(out, nct, versions):
    folder = os.path.join(out, "history", nct)
    os.makedirs(folder, exist_ok=True)
    for i, r in enumerate(versions):
        with open(os.path.join(folder, f"{i}.json"), "w",
                  encoding="utf-8") as f:
            json.dump(with_id(r, nct), f, indent=1)
    with open(os.path.join(out, f"{nct}.json"), "w", encoding="utf-8") as f:
        json.dump(with_id(versions[-1], nct), f, indent=1)


def main():
    args = sys.argv[1:]
    clones = 0
    if "--clones" in args:
        i = args.index("--clones")
        clones = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 1:
        sys.exit(__doc__)
    versions = history()
    write(args[0], NCT, versions)
    for k in range(clones):
        write(args[0], f"NCT9{k:07d}", versions)


if __name__ == "__main__":
    main()
