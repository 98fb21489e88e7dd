#!/usr/bin/env python3
"""gen.py - synthetic corpus for ctmirror's benchmarks (python3 stdlib only).

Study records in the ClinicalTrials.gov API v2 shape (one NCT1xxxxxxx.json
per study, compact JSON like the live API), knowledge-base pages in Markdown
that talk about those studies, and a "change" step that makes 1 % of the
records move in the registry.  Everything is a pure function of (seed,
index), so a corpus of 50k contains the corpus of 1k as its first 1k IDs and
two machines generate the same bytes.

  gen.py studies --dir D --n N [--seed S] [--jobs J] [--profile registry]
  gen.py pages   --dir P --m M --n N [--seed S] [--page-kb 20]
  gen.py change  --dir D --n N [--fraction 0.01] [--round R] [--day D]
                 (prints IDs)
  gen.py restore --dir D
  gen.py ids     --n N [--start 0]
  gen.py stats   --dir D --n N
"""

import argparse
import datetime
import json
import math
import os
import random
import shutil
import sys

FORMAT_VERSION = 3          # bump when the bytes a seed produces change
VERSION_HOLDER = "2026-05-01"

# --------------------------------------------------------------- vocabulary

WORDS = (
    "patients participants randomized placebo controlled double blind open "
    "label safety efficacy tolerability dose escalation pharmacokinetics "
    "primary secondary endpoint outcome baseline week month year change "
    "score scale response rate remission relapse progression survival overall "
    "adverse events serious treatment emergent infusion injection oral daily "
    "twice weekly monthly cohort arm group intervention control standard care "
    "inflammatory marker biomarker serum plasma level concentration clearance "
    "mesenchymal stromal cells allogeneic autologous bone marrow adipose "
    "umbilical cord frailty aging older adults cognitive function memory "
    "mobility walk test grip strength muscle mass insulin glucose lipid "
    "cardiovascular renal hepatic pulmonary function imaging assessment visit "
    "screening enrollment eligibility inclusion exclusion criteria informed "
    "consent investigator site sponsor protocol amendment interim analysis "
    "statistical power sample size confidence interval hazard ratio odds "
    "significant difference mean median standard deviation range quality life "
    "questionnaire reported measured evaluated assessed compared observed "
    "associated with reduced increased improved maintained sustained "
    "exploratory feasibility pilot multicenter international phase study trial"
).split()

CONDITIONS = [
    "Frailty", "Alzheimer Disease", "Parkinson Disease",
    "Osteoarthritis, Knee", "Heart Failure", "Type 2 Diabetes Mellitus",
    "Sarcopenia", "Chronic Kidney Disease", "Ankylosing Spondylitis",
    "Crohn Disease", "Rheumatoid Arthritis",
    "Multiple Sclerosis", "COPD", "Idiopathic Pulmonary Fibrosis", "Stroke",
    "Mild Cognitive Impairment", "Obesity", "Hypertension", "Osteoporosis",
    "Macular Degeneration", "Psoriasis", "Schizophrenia", "Major Depressive "
    "Disorder", "Graft vs Host Disease", "Lupus Erythematosus, Systemic",
]
INTERVENTIONS = [
    ("BIOLOGICAL", "Lomecel-B"), ("BIOLOGICAL", "Allogeneic MSC"),
    ("DRUG", "Metformin"), ("DRUG", "Rapamycin"), ("DRUG", "Dasatinib"),
    ("DRUG", "Quercetin"), ("DRUG", "Nicotinamide Riboside"),
    ("DRUG", "Certolizumab pegol"), ("DRUG", "Cannabidiol"),
    ("DEVICE", "Transcranial stimulation"), ("BEHAVIORAL", "Exercise program"),
    ("DIETARY_SUPPLEMENT", "Omega-3 fatty acids"),
    ("OTHER", "Plasma exchange"),
    ("DRUG", "Placebo"), ("PROCEDURE", "Intra-articular injection"),
]
SPONSORS = [
    ("Longeveron Inc.", "INDUSTRY"), ("University of Miami", "OTHER"),
    ("UCB Pharma", "INDUSTRY"), ("Mayo Clinic", "OTHER"),
    ("National Institute on Aging (NIA)", "NIH"),
    ("Mesoblast, Ltd.", "INDUSTRY"),
    ("The University of Texas Health Science Center, Houston", "OTHER"),
    ("Karolinska Institutet", "OTHER"),
    ("Novartis Pharmaceuticals", "INDUSTRY"),
    ("Assistance Publique - Hôpitaux de Paris", "OTHER"),
]
CITIES = [
    ("Miami", "Florida", "33136", "United States", 25.77427, -80.19366),
    ("Houston", "Texas", "77030", "United States", 29.76328, -95.36327),
    ("Rochester", "Minnesota", "55905", "United States", 44.02163, -92.4699),
    ("Toronto", "Ontario", "M5G 2A2", "Canada", 43.70011, -79.4163),
    ("Stockholm", None, "171 76", "Sweden", 59.32938, 18.06871),
    ("Paris", None, "75013", "France", 48.85341, 2.3488),
    ("Berlin", None, "10117", "Germany", 52.52437, 13.41053),
    ("München", "Bavaria", "81377", "Germany", 48.13743, 11.57549),
    ("Tokyo", None, "113-8655", "Japan", 35.6895, 139.69171),
    ("São Paulo", "SP", "05403-000", "Brazil", -23.5475, -46.63611),
]
ORGANS = [
    "Blood and lymphatic system disorders", "Cardiac disorders",
    "Gastrointestinal disorders", "Infections and infestations",
    "Nervous system disorders", "Respiratory, thoracic and mediastinal "
    "disorders", "Musculoskeletal and connective tissue disorders",
    "General disorders", "Investigations", "Skin and subcutaneous tissue "
    "disorders", "Psychiatric disorders", "Vascular disorders",
]
AE_TERMS = [
    "Nasopharyngitis", "Headache", "Pneumonia", "Atrial fibrillation", "Fall",
    "Urinary tract infection", "Dizziness", "Nausea", "Fatigue", "Back pain",
    "Arthralgia", "Hypertension", "Cough", "Diarrhoea", "Anaemia", "Pyrexia",
    "Syncope", "Cellulitis", "Hip fracture", "Transient ischaemic attack",
]

STATUSES = [
    ("COMPLETED", 35), ("RECRUITING", 20), ("UNKNOWN", 12),
    ("ACTIVE_NOT_RECRUITING", 10), ("TERMINATED", 8),
    ("NOT_YET_RECRUITING", 7), ("WITHDRAWN", 4),
    ("ENROLLING_BY_INVITATION", 2), ("SUSPENDED", 2),
]
RESULT_STATUSES = [("COMPLETED", 80), ("TERMINATED", 15),
                   ("ACTIVE_NOT_RECRUITING", 5)]

# A change moves a study one step along its life, as the registry would.
NEXT_STATUS = {
    "NOT_YET_RECRUITING": "RECRUITING",
    "RECRUITING": "ACTIVE_NOT_RECRUITING",
    "ENROLLING_BY_INVITATION": "ACTIVE_NOT_RECRUITING",
    "ACTIVE_NOT_RECRUITING": "COMPLETED",
    "SUSPENDED": "TERMINATED",
    "UNKNOWN": "COMPLETED",
}


def weighted(rng, table):
    total = sum(w for _, w in table)
    x = rng.random() * total
    for v, w in table:
        x -= w
        if x < 0:
            return v
    return table[-1][0]


def nct(idx):
    if not 0 <= idx < 10_000_000:
        raise ValueError("index out of range for NCT1xxxxxxx")
    return "NCT1%07d" % idx


def rng_for(seed, kind, idx):
    # str seeds hash with SHA-512 in random.seed: stable across runs.
    return random.Random("%s/%s/%d" % (seed, kind, idx))


class Text:
    """A pool of sentences made once per seed; texts are drawn from it."""

    def __init__(self, seed):
        r = random.Random("%s/pool" % seed)
        self.sentences = []
        for _ in range(3000):
            n = r.randint(8, 28)
            s = " ".join(r.choice(WORDS) for _ in range(n))
            self.sentences.append(s[0].upper() + s[1:] + ".")

    def sentence(self, rng):
        return self.sentences[rng.randrange(len(self.sentences))]

    def text(self, rng, nbytes):
        out, size = [], 0
        while size < nbytes:
            s = self.sentence(rng)
            out.append(s)
            size += len(s) + 1
        return " ".join(out)

    def title(self, rng, lo=4, hi=12):
        n = rng.randint(lo, hi)
        return " ".join(rng.choice(WORDS) for _ in range(n)).title()


def acronym(seed, idx):
    """The study's acronym, or None: also used by the page generator."""
    r = rng_for(seed, "acr", idx)
    if r.random() < 0.45:
        return None
    letters = "ABCDEFGHIKLMNOPRSTUVWXYZ"
    return "".join(r.choice(letters) for _ in range(r.randint(3, 7))) + \
        ("-%d" % r.randint(1, 4) if r.random() < 0.2 else "")


def fmt_date(d):
    return d.strftime("%Y-%m-%d")


def rand_date(rng, lo, hi):
    a, b = lo.toordinal(), hi.toordinal()
    return datetime.date.fromordinal(rng.randint(a, b))


def date_struct(d, actual=True, month_only=False):
    return {"date": d.strftime("%Y-%m") if month_only else fmt_date(d),
            "type": "ACTUAL" if actual else "ESTIMATED"}


# --------------------------------------------------------------- studies

def log_uniform(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def protocol_section(rng, T, idx, seed, status, has_results, target):
    """protocolSection of about `target` bytes (compact JSON)."""
    today = datetime.date(2026, 4, 30)
    # Dates consistent with the status: not-yet-recruiting studies start
    # in the future, recruiting ones recently, finished ones in the past.
    if status == "NOT_YET_RECRUITING":
        start = rand_date(rng, datetime.date(2026, 6, 1),
                          datetime.date(2027, 6, 1))
    elif status in ("RECRUITING", "ENROLLING_BY_INVITATION"):
        start = rand_date(rng, datetime.date(2022, 1, 1),
                          datetime.date(2026, 3, 1))
    else:
        start = rand_date(rng, datetime.date(2008, 1, 1),
                          datetime.date(2022, 6, 1))
    first_submit = min(start, today) - datetime.timedelta(
        days=rng.randint(10, 200))
    pcd = start + datetime.timedelta(days=rng.randint(300, 1800))
    done = status in ("COMPLETED", "TERMINATED", "WITHDRAWN")
    if done and pcd > today:
        pcd = today - datetime.timedelta(days=rng.randint(30, 900))
    last_update = rand_date(rng, datetime.date(2023, 1, 2), today)
    if last_update < first_submit:
        last_update = first_submit + datetime.timedelta(days=30)
    sm = {
        "statusVerifiedDate": last_update.strftime("%Y-%m"),
        "overallStatus": status,
    }
    if status == "UNKNOWN":
        sm["lastKnownStatus"] = "RECRUITING"
    sm["expandedAccessInfo"] = {"hasExpandedAccess": False}
    sm["startDateStruct"] = date_struct(start, start < today)
    sm["primaryCompletionDateStruct"] = date_struct(pcd, done or pcd < today)
    sm["completionDateStruct"] = date_struct(
        pcd + datetime.timedelta(days=rng.randint(0, 365)), done)
    sm["studyFirstSubmitDate"] = fmt_date(first_submit)
    sm["studyFirstSubmitQcDate"] = fmt_date(first_submit)
    sm["studyFirstPostDateStruct"] = date_struct(
        first_submit + datetime.timedelta(days=5))
    if has_results:
        rs = pcd + datetime.timedelta(days=rng.randint(200, 700))
        if rs >= last_update:
            rs = last_update - datetime.timedelta(days=20)
        sm["resultsFirstSubmitDate"] = fmt_date(rs)
        sm["resultsFirstSubmitQcDate"] = fmt_date(rs)
        sm["resultsFirstPostDateStruct"] = date_struct(
            rs + datetime.timedelta(days=14))
    sm["lastUpdateSubmitDate"] = fmt_date(
        last_update - datetime.timedelta(days=3))
    sm["lastUpdatePostDateStruct"] = date_struct(last_update)

    sponsor = rng.choice(SPONSORS)
    acr = acronym(seed, idx)
    cond = rng.sample(CONDITIONS, rng.randint(1, 3))
    ivs = rng.sample(INTERVENTIONS, rng.randint(1, 3))
    ident = {
        "nctId": nct(idx),
        "orgStudyIdInfo": {"id": "BENCH-%06d" % idx},
        "organization": {"fullName": sponsor[0], "class": sponsor[1]},
        "briefTitle": "%s in %s: %s" % (ivs[0][1], cond[0],
                                        T.title(rng, 3, 8)),
        "officialTitle": T.title(rng, 12, 30),
    }
    if acr:
        ident["acronym"] = acr
    n_arms = rng.randint(1, 4)
    arms = [{
        "label": "Arm %d: %s" % (a + 1, T.title(rng, 2, 4)),
        "type": "PLACEBO_COMPARATOR" if a == n_arms - 1 and n_arms > 1
        else "EXPERIMENTAL",
        "description": T.text(rng, rng.randint(60, 400)),
        "interventionNames": ["%s: %s" % (t, n) for t, n in ivs[:2]],
    } for a in range(n_arms)]
    p = {
        "identificationModule": ident,
        "statusModule": sm,
        "sponsorCollaboratorsModule": {
            "responsibleParty": {"type": "SPONSOR"},
            "leadSponsor": {"name": sponsor[0], "class": sponsor[1]},
        },
        "oversightModule": {"oversightHasDmc": rng.random() < 0.5,
                            "isFdaRegulatedDrug": rng.random() < 0.3,
                            "isFdaRegulatedDevice": False},
        "descriptionModule": {"briefSummary": T.text(rng, 300)},
        "conditionsModule": {
            "conditions": cond,
            "keywords": [rng.choice(WORDS) for _ in range(rng.randint(0, 8))],
        },
        "designModule": {
            "studyType": "INTERVENTIONAL",
            "phases": [rng.choice(["PHASE1", "PHASE2", "PHASE3", "PHASE4"])],
            "designInfo": {
                "allocation": "RANDOMIZED", "interventionModel": "PARALLEL",
                "primaryPurpose": "TREATMENT",
                "maskingInfo": {"masking": "DOUBLE",
                                "whoMasked": ["PARTICIPANT", "INVESTIGATOR"]},
            },
            "enrollmentInfo": {"count": rng.randint(10, 2000),
                               "type": "ACTUAL" if done else "ESTIMATED"},
        },
        "armsInterventionsModule": {
            "armGroups": arms,
            "interventions": [{
                "type": t, "name": n,
                "description": T.text(rng, rng.randint(50, 300)),
                "armGroupLabels": [a["label"] for a in arms],
            } for t, n in ivs],
        },
        "outcomesModule": {"primaryOutcomes": [], "secondaryOutcomes": []},
        "eligibilityModule": {
            "eligibilityCriteria": "",
            "healthyVolunteers": False, "sex": "ALL",
            "minimumAge": "%d Years" % rng.choice([18, 40, 50, 60, 65]),
            "stdAges": ["ADULT", "OLDER_ADULT"],
        },
        "contactsLocationsModule": {
            "overallOfficials": [{
                "name": "%s %s, MD" % (rng.choice(["Ana", "Joshua", "Mya",
                                                  "Ivan", "Li", "Sara"]),
                                       rng.choice(["Schiess", "Hare", "Kim",
                                                  "Golpanian", "Steele"])),
                "affiliation": sponsor[0], "role": "PRINCIPAL_INVESTIGATOR"}],
            "locations": [],
        },
    }
    refs = []
    n_refs = rng.choice([0, 0, 0, 1, 2, 3, 5])
    for _ in range(n_refs):
        refs.append({"pmid": str(rng.randint(10_000_000, 41_999_999)),
                     "type": rng.choice(["BACKGROUND", "BACKGROUND",
                                         "DERIVED", "RESULT"]),
                     "citation": T.text(rng, rng.randint(120, 260))})
    if refs:
        p["referencesModule"] = {"references": refs}

    # Fill the remaining budget the way real records spend it: free text,
    # eligibility, outcomes and (mostly) locations.
    base = len(json.dumps(p, separators=(",", ":"), ensure_ascii=False))
    budget = max(0, target - base)
    p["descriptionModule"]["detailedDescription"] = T.text(
        rng, int(budget * 0.25))
    p["eligibilityModule"]["eligibilityCriteria"] = (
        "Inclusion Criteria:\n\n* " +
        "\n* ".join(T.sentence(rng) for _ in range(
            max(2, int(budget * 0.15 / 180)))) +
        "\n\nExclusion Criteria:\n\n* " +
        "\n* ".join(T.sentence(rng) for _ in range(
            max(2, int(budget * 0.1 / 180)))))
    n_out = max(1, int(budget * 0.2 / 330))
    for k in range(n_out):
        o = {"measure": T.title(rng, 4, 10),
             "description": T.text(rng, rng.randint(80, 300)),
             "timeFrame": "Week %d" % rng.choice([4, 12, 26, 52, 104])}
        (p["outcomesModule"]["primaryOutcomes"] if k < 2 else
         p["outcomesModule"]["secondaryOutcomes"]).append(o)
    n_loc = max(1, int(budget * 0.3 / 190))
    locs = p["contactsLocationsModule"]["locations"]
    for k in range(n_loc):
        c = rng.choice(CITIES)
        loc = {"facility": "%s %s Center %d" % (c[0], rng.choice(
            ["Research", "Clinical", "Medical", "University"]), k + 1)}
        if status == "RECRUITING":
            loc["status"] = "RECRUITING"
        loc["city"] = c[0]
        if c[1]:
            loc["state"] = c[1]
        loc.update({"zip": c[2], "country": c[3],
                    "geoPoint": {"lat": c[4], "lon": c[5]}})
        locs.append(loc)
    return p


def measurement_groups(rng, prefix, n, T):
    return [{"id": "%s%03d" % (prefix, g), "title": T.title(rng, 2, 5),
             "description": T.text(rng, rng.randint(60, 250))}
            for g in range(n)]


def results_section(rng, T, target):
    """resultsSection of about `target` bytes."""
    ng = rng.randint(2, 4)
    n_at_risk = [rng.randint(10, 400) for _ in range(ng)]
    rs = {}
    rs["participantFlowModule"] = {
        "recruitmentDetails": T.text(rng, 200),
        "groups": measurement_groups(rng, "FG", ng, T),
        "periods": [{
            "title": "Overall Study",
            "milestones": [{"type": t, "achievements": [
                {"groupId": "FG%03d" % g, "numSubjects": str(
                    n_at_risk[g] if t == "STARTED" else
                    rng.randint(0, n_at_risk[g]))} for g in range(ng)]}
                for t in ("STARTED", "COMPLETED", "NOT COMPLETED")],
            "dropWithdraws": [{"type": w, "reasons": [
                {"groupId": "FG%03d" % g, "numSubjects": str(
                    rng.randint(0, 9))} for g in range(ng)]}
                for w in ("Adverse Event", "Lost to Follow-up",
                          "Withdrawal by Subject")],
        }],
    }
    rs["baselineCharacteristicsModule"] = {
        "populationDescription": T.text(rng, 150),
        "groups": measurement_groups(rng, "BG", ng, T),
        "denoms": [{"units": "Participants", "counts": [
            {"groupId": "BG%03d" % g, "value": str(n_at_risk[g])}
            for g in range(ng)]}],
        "measures": [{
            "title": t, "paramType": "MEAN",
            "dispersionType": "STANDARD_DEVIATION", "unitOfMeasure": u,
            "classes": [{"categories": [{"measurements": [
                {"groupId": "BG%03d" % g,
                 "value": "%.1f" % rng.uniform(10, 90),
                 "spread": "%.1f" % rng.uniform(1, 15)}
                for g in range(ng)]}]}]}
            for t, u in (("Age, Continuous", "years"),
                         ("Body mass index", "kg/m^2"),
                         ("Six-minute walk distance", "meters"))],
    }
    groups_o = measurement_groups(rng, "OG", ng, T)
    groups_e = measurement_groups(rng, "EG", ng, T)
    for g, e in enumerate(groups_e):
        e.update({"deathsNumAffected": rng.randint(0, 3),
                  "deathsNumAtRisk": n_at_risk[g],
                  "seriousNumAffected": rng.randint(0, 20),
                  "seriousNumAtRisk": n_at_risk[g],
                  "otherNumAffected": rng.randint(0, 80),
                  "otherNumAtRisk": n_at_risk[g]})
    base = len(json.dumps(rs, separators=(",", ":"), ensure_ascii=False))
    budget = max(0, target - base)

    # One outcome measure with ng groups and c categories is roughly
    # 700 + ng * 230 + c * ng * 55 bytes; aim 60 % of the budget there.
    oms = []
    spent, om_budget = 0, budget * 0.6
    while spent < om_budget:
        c = rng.randint(1, 12)
        om = {
            "type": "PRIMARY" if len(oms) < 2 else "SECONDARY",
            "title": T.title(rng, 6, 16),
            "description": T.text(rng, rng.randint(100, 500)),
            "populationDescription": T.text(rng, rng.randint(60, 200)),
            "reportingStatus": "POSTED", "paramType": "MEAN",
            "dispersionType": "STANDARD_DEVIATION",
            "unitOfMeasure": rng.choice(["score on a scale", "meters",
                                         "pg/mL", "percentage of "
                                         "participants"]),
            "timeFrame": "Baseline, Week %d" % rng.choice([12, 26, 52]),
            "groups": groups_o,
            "denoms": [{"units": "Participants", "counts": [
                {"groupId": "OG%03d" % g, "value": str(n_at_risk[g])}
                for g in range(ng)]}],
            "classes": [{"title": "Visit %d" % k, "categories": [
                {"measurements": [
                    {"groupId": "OG%03d" % g,
                     "value": "%.2f" % rng.uniform(-20, 120),
                     "spread": "%.2f" % rng.uniform(0.5, 30)}
                    for g in range(ng)]}]} for k in range(c)],
            "analyses": [{
                "groupIds": ["OG000", "OG001"],
                "groupDescription": T.text(rng, 120),
                "nonInferiorityType": "SUPERIORITY",
                "pValue": "%.3f" % rng.random(),
                "statisticalMethod": "ANCOVA",
                "paramType": "Mean Difference (Final Values)",
                "paramValue": "%.2f" % rng.uniform(-10, 10),
                "ciPctValue": "95", "ciNumSides": "TWO_SIDED",
                "ciLowerLimit": "%.2f" % rng.uniform(-20, 0),
                "ciUpperLimit": "%.2f" % rng.uniform(0, 20)}],
        }
        oms.append(om)
        spent += 1200 + ng * 130 + c * (40 + ng * 58)
    rs["outcomeMeasuresModule"] = {"outcomeMeasures": oms}

    ev_size = 150 + ng * 75
    n_serious = max(1, int(budget * 0.25 / ev_size))
    n_other = max(1, int(budget * 0.15 / ev_size))

    def events(n):
        return [{"term": rng.choice(AE_TERMS),
                 "organSystem": rng.choice(ORGANS),
                 "sourceVocabulary": "MedDRA 26.0",
                 "assessmentType": "SYSTEMATIC_ASSESSMENT",
                 "stats": [{"groupId": "EG%03d" % g,
                            "numEvents": rng.randint(0, 6),
                            "numAffected": rng.randint(0, 5),
                            "numAtRisk": n_at_risk[g]} for g in range(ng)]}
                for _ in range(n)]
    rs["adverseEventsModule"] = {
        "frequencyThreshold": "5",
        "timeFrame": "From first dose through Week 52",
        "description": T.text(rng, 200),
        "eventGroups": groups_e,
        "seriousEvents": events(n_serious),
        "otherEvents": events(n_other),
    }
    rs["moreInfoModule"] = {
        "certainAgreement": {"piSponsorEmployee": False,
                             "restrictiveAgreement": False},
        "pointOfContact": {"title": "Clinical Trial Registry",
                           "organization": "Bench Sponsor",
                           "email": "registry@example.org"},
    }
    return rs


def derived_section(rng):
    return {
        "miscInfoModule": {"versionHolder": VERSION_HOLDER,
                           "modelPredictions": {"bmiLimits": {
                               "minBmi": 18, "maxBmi": 40}}},
        "conditionBrowseModule": {
            "meshes": [{"id": "D%09d" % rng.randint(1, 99999),
                        "term": rng.choice(CONDITIONS)}],
            "browseLeaves": [{"id": "M%d" % rng.randint(1000, 30000),
                              "name": rng.choice(CONDITIONS),
                              "relevance": rng.choice(["HIGH", "LOW"])}
                             for _ in range(rng.randint(2, 8))],
            "browseBranches": [{"abbrev": "All", "name": "All Conditions"}],
        },
    }


# Size mixes.  "bench": the benchmark corpus (results-heavy, 72 KB on
# average).  "registry": sized like the live registry, whose /stats/size
# gives a mean of ~17.2 KB over ~577,000 studies (peer reference:
# cyanheads/clinicaltrialsgov-mcp-server docs/api-reference.md) and of
# which about one in eight has results: here 5 % with a results section of
# 30 to 100 KB, the rest 3 to 35 KB, mean ~17 KB (gen.py stats says).
PROFILES = {
    "bench": {"results": 0.30, "proto": (3_000, 45_000),
              "proto_results": (10_000, 60_000), "results_kb": (50, 300)},
    "registry": {"results": 0.05, "proto": (3_000, 35_000),
                 "proto_results": (10_000, 50_000), "results_kb": (30, 100)},
}


def study(seed, idx, T, profile="bench"):
    """The study record for (seed, idx) as a dict."""
    pr = PROFILES[profile]
    rng = rng_for(seed, "study", idx)
    has_results = rng.random() < pr["results"]
    if has_results:
        status = weighted(rng, RESULT_STATUSES)
        ptarget = int(log_uniform(rng, *pr["proto_results"]))
        # 0.87: the section overshoots its budget by ~15 % on average.
        rtarget = int(rng.uniform(pr["results_kb"][0] * 1000,
                                  pr["results_kb"][1] * 1000) * 0.87)
    else:
        status = weighted(rng, STATUSES)
        ptarget = int(log_uniform(rng, *pr["proto"]))
    d = {"protocolSection": protocol_section(rng, T, idx, seed, status,
                                             has_results, ptarget)}
    if has_results:
        d["resultsSection"] = results_section(rng, T, rtarget)
    d["derivedSection"] = derived_section(rng)
    d["hasResults"] = has_results
    return d


def dumps(d):
    return json.dumps(d, separators=(",", ":"), ensure_ascii=False)


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def _gen_range(args):
    seed, d, lo, hi, profile = args
    T = Text(seed)
    total = 0
    for i in range(lo, hi):
        s = dumps(study(seed, i, T, profile))
        write_atomic(os.path.join(d, nct(i) + ".json"), s)
        total += len(s.encode("utf-8"))
    return total


def manifest_path(d):
    return os.path.join(d, ".bench-manifest.json")


def read_manifest(d):
    try:
        with open(manifest_path(d)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def cmd_studies(a):
    os.makedirs(a.dir, exist_ok=True)
    m = read_manifest(a.dir)
    if os.path.isdir(os.path.join(a.dir, ".orig")):
        cmd_restore(a)
    same = (m and m.get("seed") == a.seed and
            m.get("version") == FORMAT_VERSION and
            m.get("profile", "bench") == a.profile)
    if same and m.get("n", 0) >= a.n:
        print("gen: %s already holds %d studies (seed %s, %s)" % (
            a.dir, m["n"], a.seed, a.profile), file=sys.stderr)
        return 0
    start = m["n"] if same else 0
    chunks = []
    step = 250
    for lo in range(start, a.n, step):
        chunks.append((a.seed, a.dir, lo, min(a.n, lo + step), a.profile))
    total = 0
    if a.jobs > 1 and len(chunks) > 1:
        import multiprocessing
        with multiprocessing.Pool(a.jobs) as pool:
            for t in pool.imap_unordered(_gen_range, chunks):
                total += t
    else:
        for c in chunks:
            total += _gen_range(c)
    write_atomic(manifest_path(a.dir), json.dumps(
        {"seed": a.seed, "n": a.n, "version": FORMAT_VERSION,
         "profile": a.profile}))
    print("gen: wrote %d studies (%s..%s), %.1f MB" % (
        a.n - start, nct(start), nct(a.n - 1), total / 1e6), file=sys.stderr)
    return 0


# --------------------------------------------------------------- change

def change_one(d, rnd, day=None):
    """Move one study along, as a registry update would (posted on `day`)."""
    sm = d["protocolSection"]["statusModule"]
    day = day or datetime.date(2026, 5, 10) + datetime.timedelta(days=rnd)
    # The date must move forward, or a probe rightly sees no change.
    was = datetime.date.fromisoformat(
        sm["lastUpdatePostDateStruct"]["date"])
    if day <= was:
        day = was + datetime.timedelta(days=1 + rnd)
    sm["lastUpdateSubmitDate"] = fmt_date(day - datetime.timedelta(days=2))
    sm["lastUpdatePostDateStruct"] = {"date": fmt_date(day), "type": "ACTUAL"}
    sm["statusVerifiedDate"] = day.strftime("%Y-%m")
    old = sm["overallStatus"]
    new = NEXT_STATUS.get(old)
    if new:
        sm["overallStatus"] = new
    else:
        # Finished studies change by getting a results publication.
        refs = d["protocolSection"].setdefault(
            "referencesModule", {}).setdefault("references", [])
        refs.append({"pmid": str(40_000_000 + rnd), "type": "RESULT",
                     "citation": "Bench A et al. Results of the study. "
                                 "J Bench 2026;%d:1-9." % (rnd + 1)})
    return old, sm["overallStatus"]


def cmd_change(a):
    ids = [nct(i) for i in range(a.n)]
    k = max(1, int(round(a.n * a.fraction)))
    pick = random.Random("%s/change/%d" % (a.seed, a.round)).sample(ids, k)
    orig = os.path.join(a.dir, ".orig")
    os.makedirs(orig, exist_ok=True)
    for i in sorted(pick):
        p = os.path.join(a.dir, i + ".json")
        keep = os.path.join(orig, i + ".json")
        if not os.path.exists(keep):
            shutil.copy2(p, keep)
        with open(p, encoding="utf-8") as f:
            d = json.load(f)
        old, new = change_one(d, a.round, a.day and
                              datetime.date.fromisoformat(a.day))
        write_atomic(p, dumps(d))
        print(i, old, new)
    return 0


def cmd_restore(a):
    orig = os.path.join(a.dir, ".orig")
    if not os.path.isdir(orig):
        return 0
    for name in os.listdir(orig):
        os.replace(os.path.join(orig, name), os.path.join(a.dir, name))
    os.rmdir(orig)
    return 0


def cmd_ids(a):
    sys.stdout.write("".join(nct(i) + "\n" for i in range(a.start,
                                                           a.start + a.n)))
    return 0


def cmd_stats(a):
    sizes, res = [], 0
    for i in range(a.n):
        p = os.path.join(a.dir, nct(i) + ".json")
        sizes.append(os.path.getsize(p))
        with open(p, encoding="utf-8") as f:
            head = f.read()
        res += '"resultsSection"' in head
    sizes.sort()

    def pct(q):
        return sizes[min(len(sizes) - 1, int(q * len(sizes)))]
    print("studies %d, with results %d (%.0f %%), total %.1f MB, mean %.1f KB"
          % (len(sizes), res, 100.0 * res / len(sizes), sum(sizes) / 1e6,
             sum(sizes) / len(sizes) / 1e3))
    print("size KB: p10 %.1f  p50 %.1f  p70 %.1f  p90 %.1f  max %.1f" % (
        pct(.1) / 1e3, pct(.5) / 1e3, pct(.7) / 1e3, pct(.9) / 1e3,
        sizes[-1] / 1e3))
    return 0


# --------------------------------------------------------------- pages

STATUS_WORDS = [
    ("recruiting", 5), ("still recruiting", 2), ("completed", 5),
    ("active, not recruiting", 2), ("not yet recruiting", 1),
    ("terminated", 1), ("withdrawn", 1), ("underway", 2), ("ongoing", 3),
    ("in progress", 1), ("enrolling by invitation", 1), ("suspended", 1),
]
PENDING = [
    ("results pending", 4), ("results not yet posted", 2),
    ("awaiting results", 1), ("no results posted", 1),
    ("results not available", 1),
]
PUBLICATION = [
    ("publication pending", 3), ("not yet published", 3),
    ("full publication pending", 1), ("unpublished", 1),
    ("awaiting publication", 1),
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]


def as_of(rng):
    d = rand_date(rng, datetime.date(2025, 1, 1), datetime.date(2026, 5, 6))
    form = rng.randrange(5)
    if form == 0:
        return "as of %s" % fmt_date(d)
    if form == 1:
        return "as of %s %d" % (MONTHS[d.month - 1], d.year)
    if form == 2:
        return "accessed %s" % fmt_date(d)
    if form == 3:
        return "as of %s %d, %d" % (MONTHS[d.month - 1], d.day, d.year)
    return "as of %d %s %d" % (d.day, MONTHS[d.month - 1], d.year)


def claim(rng):
    r = rng.random()
    if r < 0.45:
        c = weighted(rng, STATUS_WORDS)
    elif r < 0.75:
        c = weighted(rng, PENDING)
    else:
        c = weighted(rng, PUBLICATION)
    if rng.random() < 0.6:
        c += " " + as_of(rng)
    return c


def trial_ref(rng, seed, idx):
    acr = acronym(seed, idx)
    phase = rng.choice(["Phase 1", "Phase 2", "Phase 2a", "Phase 2b",
                        "Phase 3", "Phase 1/2"])
    return acr, phase


def page_text(seed, p, n, T, target):
    rng = rng_for(seed, "page", p)
    lines = []
    topic = rng.choice(CONDITIONS)
    lines.append("%s: %s" % (T.title(rng, 2, 5), topic))
    if rng.random() < 0.7:
        lines.append("Last reviewed: %s" % fmt_date(rand_date(
            rng, datetime.date(2025, 6, 1), datetime.date(2026, 5, 6))))
    lines.append(T.text(rng, rng.randint(400, 1200)))
    size = sum(len(x) + 1 for x in lines)
    sec = 0
    while size < target:
        sec += 1
        block = []
        block.append("%d. %s" % (sec, T.title(rng, 2, 6)))
        kind = rng.random()
        if kind < 0.3:
            # A trial paragraph: heading naming the trial, prose with a claim.
            i = rng.randrange(n)
            acr, phase = trial_ref(rng, seed, i)
            name = acr or T.title(rng, 1, 2)
            block.append("%s %s (%s — %s)" % (name, phase, nct(i),
                                              claim(rng)))
            block.append("%s %s %s Trial %s per ClinicalTrials.gov; %s. %s" % (
                T.sentence(rng), T.sentence(rng), name,
                weighted(rng, STATUS_WORDS), claim(rng),
                T.text(rng, rng.randint(200, 900))))
        elif kind < 0.5:
            # A table with one trial per row.
            block.append("| Trial | Phase | Status | Notes |")
            block.append("|---|---|---|---|")
            for _ in range(rng.randint(3, 8)):
                i = rng.randrange(n)
                acr, phase = trial_ref(rng, seed, i)
                block.append("| %s%s | %s | %s | %s |" % (
                    acr + " " if acr else "", nct(i), phase, claim(rng),
                    T.sentence(rng)))
        elif kind < 0.7:
            # A list with one trial per item.
            block.append(T.sentence(rng))
            for _ in range(rng.randint(2, 7)):
                i = rng.randrange(n)
                acr, phase = trial_ref(rng, seed, i)
                block.append("- %s (%s%s): %s; %s" % (
                    nct(i), acr + ", " if acr else "", phase, claim(rng),
                    T.sentence(rng)))
        elif kind < 0.8:
            # A dimension table with claims and no ID in the row.
            block.append("| Dimension | Status |")
            block.append("|---|---|")
            block.append("| Replicated in humans? | in-progress — %s |" %
                         T.sentence(rng))
            i = rng.randrange(n)
            block.append("| Efficacy replicated? | %s (%s) |" % (
                claim(rng), nct(i)))
        else:
            # Plain prose, no trial.
            for _ in range(rng.randint(1, 3)):
                block.append(T.text(rng, rng.randint(300, 1500)))
        lines.extend(block)
        size += sum(len(x) + 1 for x in block)
    lines.append("Footnotes")
    for k in range(rng.randint(2, 8)):
        lines.append("-")
        lines.append("doi:10.%04d/bench.%d · %s · n=%d ↩" % (
            rng.randint(1000, 9999), k, T.sentence(rng), rng.randint(10, 900)))
    return "\n".join(lines) + "\n"


def _gen_pages(args):
    seed, d, n, lo, hi, target = args
    T = Text(seed)
    total = 0
    for p in range(lo, hi):
        sub = os.path.join(d, "%03d" % (p // 1000))
        os.makedirs(sub, exist_ok=True)
        s = page_text(seed, p, n, T, target)
        write_atomic(os.path.join(sub, "page-%06d.md" % p), s)
        total += len(s.encode("utf-8"))
    return total


def cmd_pages(a):
    m = read_manifest(a.dir)
    want = {"seed": a.seed, "m": a.m, "n": a.n, "kb": a.page_kb,
            "version": FORMAT_VERSION}
    if m == want:
        print("gen: %s already holds %d pages" % (a.dir, a.m), file=sys.stderr)
        return 0
    if os.path.isdir(a.dir):
        shutil.rmtree(a.dir)
    os.makedirs(a.dir)
    target = a.page_kb * 1000
    chunks = [(a.seed, a.dir, a.n, lo, min(a.m, lo + 200), target)
              for lo in range(0, a.m, 200)]
    total = 0
    if a.jobs > 1 and len(chunks) > 1:
        import multiprocessing
        with multiprocessing.Pool(a.jobs) as pool:
            for t in pool.imap_unordered(_gen_pages, chunks):
                total += t
    else:
        for c in chunks:
            total += _gen_pages(c)
    write_atomic(manifest_path(a.dir), json.dumps(want))
    print("gen: wrote %d pages, %.1f MB" % (a.m, total / 1e6),
          file=sys.stderr)
    return 0


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)

    def common(p, n=True):
        p.add_argument("--seed", default="ctmirror-bench")
        if n:
            p.add_argument("--n", type=int, required=True,
                           help="number of studies (IDs NCT1000000..)")

    p = sub.add_parser("studies")
    common(p)
    p.add_argument("--dir", required=True)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--profile", choices=sorted(PROFILES), default="bench",
                   help="size mix (registry: ~17 KB on average)")
    p = sub.add_parser("pages")
    common(p)
    p.add_argument("--dir", required=True)
    p.add_argument("--m", type=int, required=True)
    p.add_argument("--page-kb", type=int, default=20)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p = sub.add_parser("change")
    common(p)
    p.add_argument("--dir", required=True)
    p.add_argument("--fraction", type=float, default=0.01)
    p.add_argument("--round", type=int, default=1)
    p.add_argument("--day", help="the changes' lastUpdatePostDate "
                   "(YYYY-MM-DD; default 2026-05-10 + round, or the day "
                   "after the study's own)")
    p = sub.add_parser("restore")
    common(p, n=False)
    p.add_argument("--dir", required=True)
    p = sub.add_parser("ids")
    common(p)
    p.add_argument("--start", type=int, default=0)
    p = sub.add_parser("stats")
    common(p)
    p.add_argument("--dir", required=True)
    p = sub.add_parser("report-sql")
    common(p)
    p.add_argument("--flags", type=int, default=10000)
    p.add_argument("--pad", type=int, default=30,
                   help="32-byte words of text in each version's record")
    a = ap.parse_args(argv)
    return {"report-sql": cmd_report_sql, "studies": cmd_studies, "pages": cmd_pages, "change": cmd_change,
            "restore": cmd_restore, "ids": cmd_ids,
            "stats": cmd_stats}[a.cmd](a)


# ------------------------------------------------------------- report data

REPORT_SQL = """
BEGIN;
INSERT INTO sync_runs (mode, status, finished_at) VALUES ('sync', 'ok', now());
INSERT INTO trials (nct_id, registry_state)
SELECT 'NCT1' || lpad(i::text, 7, '0'), 'present'
  FROM generate_series(0, {n} - 1) i;
-- 1 to 4 versions a trial (2.5 on average), a status along its life,
-- a primary completion date that moves, results on a third of them.
INSERT INTO study_versions (nct_id, version_no, content_hash,
    last_update_posted, overall_status, has_results, results_first_posted,
    results_submitted, primary_completion, primary_completion_type,
    result_pmids, acronym, brief_title, raw, citation)
SELECT x.id, x.v, md5(x.id || x.v) || md5(x.v || x.id), x.upd, x.st,
       x.res, CASE WHEN x.res THEN x.upd END,
       CASE WHEN x.i % 3 = 0 AND x.v = x.nv - 1 THEN x.upd END,
       x.pc, CASE WHEN x.st IN ('COMPLETED', 'TERMINATED') THEN 'ACTUAL'
                  ELSE 'ESTIMATED' END,
       CASE WHEN x.res AND x.i % 2 = 0 THEN ARRAY[(30000000 + x.i)::text]
            ELSE '{{}}'::text[] END,
       'T' || x.i, 'Synthetic trial ' || x.i || ' of a drug in a disease',
       jsonb_build_object('protocolSection', jsonb_build_object(
         'identificationModule', jsonb_build_object('nctId', x.id),
         'statusModule', jsonb_build_object('overallStatus', x.st,
           'startDateStruct', jsonb_build_object('date', x.start,
             'type', 'ACTUAL'),
           'primaryCompletionDateStruct', jsonb_build_object('date', x.pc,
             'type', CASE WHEN x.st IN ('COMPLETED', 'TERMINATED')
                          THEN 'ACTUAL' ELSE 'ESTIMATED' END),
           'completionDateStruct', jsonb_build_object('date', x.pc,
             'type', 'ESTIMATED')),
         'designModule', jsonb_build_object('enrollmentInfo',
           jsonb_build_object('count', 20 + x.i % 500)),
         'descriptionModule', jsonb_build_object('detailedDescription',
           (SELECT string_agg(md5(x.i::text || g::text), ' ')
              FROM generate_series(1, {pad}) g)))),
       '{{}}'::jsonb
  FROM (SELECT 'NCT1' || lpad(i::text, 7, '0') AS id, i, v, 1 + i % 4 AS nv,
               to_char(date '2015-01-01' + (i % 900) + v * 420, 'YYYY-MM-DD')
                 AS upd,
               (ARRAY['NOT_YET_RECRUITING', 'RECRUITING',
                      'ACTIVE_NOT_RECRUITING', 'COMPLETED', 'TERMINATED',
                      'SUSPENDED'])[1 + (v + i % 3) % 6] AS st,
               v = 1 + i % 4 AND i % 3 = 0 AS res,
               to_char(date '2015-06-01' + (i % 900), 'YYYY-MM-DD') AS start,
               to_char(date '2018-01-01' + (i % 900) + v * 90, 'YYYY-MM')
                 AS pc
          FROM generate_series(0, {n} - 1) i,
               generate_series(1, 1 + i % 4) v) x;
UPDATE trials t SET current_version_id = m.v
  FROM (SELECT nct_id, max(version_id) AS v FROM study_versions
         GROUP BY nct_id) m
 WHERE m.nct_id = t.nct_id;
INSERT INTO study_changes (nct_id, version_id, prev_version_id, path,
    change_class, old_value, new_value, registry_updated)
SELECT a.nct_id, a.version_id, b.version_id, p.path, p.cls,
       to_jsonb(b.overall_status), to_jsonb(a.overall_status),
       a.last_update_posted
  FROM study_versions a
  JOIN study_versions b ON b.nct_id = a.nct_id
   AND b.version_no = a.version_no - 1,
  (VALUES ('/protocolSection/statusModule/overallStatus', 'status'),
          ('/protocolSection/statusModule/primaryCompletionDateStruct/date',
           'dates'),
          ('/protocolSection/statusModule/lastUpdatePostDateStruct/date',
           'other')) p(path, cls);
-- Pages of ten claims each (five claims and five citations); five flags
-- a page until there are {flags}.
INSERT INTO pages (path, content_hash, page_date, last_scanned_at)
SELECT 'kb/topic-' || j || '.md', md5(j::text), '2026-05-06', now()
  FROM generate_series(1, ({flags} + 4) / 5) j;
INSERT INTO claims (page_id, nct_id, kind, line, as_of, phrase, excerpt)
SELECT p.page_id,
       'NCT1' || lpad(((p.page_id * 7 + k * 13) % {n})::text, 7, '0'),
       (ARRAY['results-pending', 'publication-pending', 'status', 'mention',
              'mention'])[1 + k % 5], 3 + k * 7,
       '2026-0' || (1 + k % 9) || '-06',
       (ARRAY['results pending', 'not yet published', 'recruiting',
              'NCT1', 'NCT1'])[1 + k % 5],
       'Trial ' || p.page_id || '/' || k || ': results pending, not yet '
       'published, recruiting as of May 2026 (NCT1 ...)'
  FROM pages p, generate_series(0, 9) k;
INSERT INTO flags (page_id, nct_id, claim_kind, rule, severity, line,
    claim_text, as_of, evidence, link, raised_at)
SELECT c.page_id, c.nct_id, c.kind,
       (ARRAY['results-posted', 'publication-linked', 'status-changed',
              'identity-mismatch', 'registry-updated'])[1 + k.k],
       CASE WHEN k.k % 2 = 0 THEN 'stale' ELSE 'recheck' END,
       c.line, c.excerpt, c.as_of,
       'the registry shows something else for ' || c.nct_id,
       'https://clinicaltrials.gov/study/' || c.nct_id,
       now() - (c.page_id % 90) * interval '1 day'
  FROM claims c, LATERAL (SELECT (c.line - 3) / 7 AS k) k
 WHERE k.k < 5 AND (c.page_id - 1) * 5 + k.k < {flags};
COMMIT;
ANALYZE;
"""


def cmd_report_sql(a):
    """SQL that fills a migrated database with what a large report draws:
    N trials with 1-4 versions each and their changes, and pages with
    claims and open flags."""
    sys.stdout.write(REPORT_SQL.format(n=a.n, flags=a.flags, pad=a.pad))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
