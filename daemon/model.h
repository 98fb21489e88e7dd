/*
 * model.h - the plain structs that flow between ctmirror's stages.
 *
 * Every struct here is filled by exactly one module and read by the next
 * (see DESIGN.md "Data flow").  Ownership: the module that fills a struct
 * frees it with its own x_finish() or x_free(); consumers borrow.
 * No function lives here.
 */
#ifndef CTMIRROR_MODEL_H
#define CTMIRROR_MODEL_H

#include <stdbool.h>
#include <stddef.h>

/* "NCT" + 8 digits + NUL */
#define NCT_ID_SIZE 12
/* "YYYY-MM-DD" + NUL; registry dates may also be "YYYY-MM" */
#define DATE_SIZE 11

/* ---------------------------------------------------------------- study */

enum date_type {
	DATE_NONE = 0,	/* the struct is absent from the record */
	DATE_ACTUAL,
	DATE_ESTIMATED,
};

/* One of the registry's *DateStruct objects: {date, type}. */
struct study_date {
	char date[DATE_SIZE];	/* "" when absent, else "YYYY-MM[-DD]" */
	enum date_type type;
};

enum ref_type {
	REF_OTHER = 0,
	REF_BACKGROUND,
	REF_RESULT,
	REF_DERIVED,
};

struct study_ref {
	char *pmid;		/* may be NULL: not every reference has one */
	enum ref_type type;
	char *citation;		/* may be NULL */
};

/*
 * A parsed API v2 study (study.c).  All strings are owned by the struct
 * and freed by study_free(); absent text fields are NULL, absent dates
 * have type DATE_NONE.
 */
struct study {
	char nct_id[NCT_ID_SIZE];
	char *acronym;
	char *brief_title;
	char *official_title;
	char *overall_status;	/* e.g. "COMPLETED"; never NULL */
	char *why_stopped;
	char *lead_sponsor;

	struct study_date status_verified;	/* statusVerifiedDate (no type) */
	struct study_date start;
	struct study_date primary_completion;
	struct study_date completion;
	struct study_date results_first_posted;
	struct study_date last_update_posted;

	bool has_results;	/* top-level hasResults */
	bool has_results_section;

	struct study_ref *refs;
	size_t n_refs;

	char **conditions;
	size_t n_conditions;
	char **interventions;	/* intervention names */
	size_t n_interventions;
	char **other_names;	/* interventions' otherNames, all together */
	size_t n_other_names;
	char **keywords;	/* conditionsModule.keywords */
	size_t n_keywords;
	/* MeSH terms the registry derived: conditionBrowseModule.meshes[].term */
	char **condition_meshes;
	size_t n_condition_meshes;
	char **intervention_meshes;	/* interventionBrowseModule.meshes[].term */
	size_t n_intervention_meshes;
	char **collaborators;
	size_t n_collaborators;
	char **phases;		/* "PHASE2", ... */
	size_t n_phases;
	long enrollment;	/* -1 when unknown */

	/*
	 * Results submitted but not yet posted (unpostedAnnotation /
	 * submissionTracking): the first unposted submission date, "" if none.
	 */
	char results_submitted[DATE_SIZE];

	/*
	 * The JSON text that is stored (study_from_text): the registry's
	 * text as sent with the volatile members
	 * (derivedSection.miscInfoModule.versionHolder and .modelPredictions)
	 * cut out, and the hash covers exactly it.
	 */
	char *canonical;
	size_t canonical_len;
	char hash[65];		/* lower-case hex SHA-256 of canonical */
};

/*
 * The registry's last-update date of one trial, as a probe of its ID or a
 * listing of the studies changed since a day gives it (registry.c), for
 * the decision which trials moved (plan.c).
 */
struct trial_update {
	char nct_id[NCT_ID_SIZE];
	char last_update[DATE_SIZE];	/* "" if the registry gave none */
};

/* ----------------------------------------------------------------- diff */

enum change_class {
	CHANGE_STATUS = 0,
	CHANGE_RESULTS,
	CHANGE_REFERENCES,
	CHANGE_DATES,
	CHANGE_OTHER,
};

/* One field-level change between two versions of a study (diff.c). */
struct change {
	char *path;		/* RFC 6901 JSON pointer, e.g. "/protocolSection/statusModule/overallStatus" */
	char *old_value;	/* compact JSON text, NULL when the member was absent */
	char *new_value;	/* compact JSON text, NULL when the member is gone */
	enum change_class cls;
};

struct change_list {
	struct change *v;
	size_t n;
	size_t cap;
};

/* -------------------------------------------------------------- history */

/*
 * One entry of the registry's change list of a trial, the list behind the
 * website's History of Changes (history.c fills it, store.c keeps it).
 * Strings owned by the list; history_list_finish() frees them.
 */
struct history_change {
	int version;		/* the registry's number of the version, 0 = first */
	char date[DATE_SIZE];	/* the date the list gives it, "YYYY-MM-DD" */
	char *status;		/* overallStatus of the version; NULL if not given */
	char **labels;		/* moduleLabels: the parts of the record it changed */
	size_t n_labels;
};

struct history_list {
	struct history_change *v;	/* v[i].version == i */
	size_t n;
};

/* --------------------------------------------------------------- claims */

enum claim_kind {
	CLAIM_RESULTS_PENDING = 0,
	CLAIM_PUBLICATION_PENDING,
	CLAIM_STATUS,
	/*
	 * A citation: the page says the trial it describes is this NCT ID.
	 * Made from a struct mention by identity_claim(), never by
	 * claims_scan(); judged by rules_judge_mention().
	 */
	CLAIM_MENTION,
};

/* Registry overallStatus values as a bit set, for status claims. */
enum status_bit {
	ST_NOT_YET_RECRUITING = 1u << 0,
	ST_RECRUITING = 1u << 1,
	ST_ENROLLING_BY_INVITATION = 1u << 2,
	ST_ACTIVE_NOT_RECRUITING = 1u << 3,
	ST_COMPLETED = 1u << 4,
	ST_SUSPENDED = 1u << 5,
	ST_TERMINATED = 1u << 6,
	ST_WITHDRAWN = 1u << 7,
	ST_UNKNOWN = 1u << 8,
	/* "underway", "ongoing", "in progress": any active status */
	ST_ACTIVE = ST_NOT_YET_RECRUITING | ST_RECRUITING |
		    ST_ENROLLING_BY_INVITATION | ST_ACTIVE_NOT_RECRUITING,
};

/*
 * The registry's overallStatus words in the order of enum status_bit
 * (word i is bit 1 << i), as an initializer, so every module that turns
 * one into the other reads the same table: static const char *const
 * names[] = STATUS_NAMES;
 */
#define STATUS_NAMES { "NOT_YET_RECRUITING", "RECRUITING", \
	"ENROLLING_BY_INVITATION", "ACTIVE_NOT_RECRUITING", "COMPLETED", \
	"SUSPENDED", "TERMINATED", "WITHDRAWN", "UNKNOWN" }
#define N_STATUSES 9

/* One claim a page makes about one trial (claims.c). */
struct claim {
	char nct_id[NCT_ID_SIZE];
	enum claim_kind kind;
	unsigned statuses;	/* CLAIM_STATUS only: set of enum status_bit */
	int line;		/* 1-based line of the claim phrase */
	char as_of[DATE_SIZE];	/* "YYYY-MM-DD", "" when unknown */
	char *excerpt;		/* at most 200 bytes of the page, valid UTF-8 */
	char *phrase;		/* the words that made the claim, as written */
};

struct claim_list {
	struct claim *v;
	size_t n;
	size_t cap;
};

/*
 * What a page says about one trial it names (claims.c, for the
 * identity-mismatch rule): one per distinct NCT ID of a page.  `context`
 * holds the page's words about the trial - every block (paragraph, list
 * item, table row, footnote, heading) naming it by ID or acronym, the
 * heading right above such a block, and the block right below a heading
 * naming it - cleaned to valid UTF-8 on one line each, blocks separated by
 * '\n'.  Owned by the list; claims_mentions_finish() frees it.
 */
struct mention {
	char nct_id[NCT_ID_SIZE];
	int line;		/* 1-based line of the first mention */
	char *context;		/* NUL-terminated, never NULL */
	size_t context_len;	/* bytes, without the NUL */
};

struct mention_list {
	struct mention *v;
	size_t n;
	size_t cap;
};

/* ---------------------------------------------------------------- rules */

/*
 * What the rules need to know about a trial's registry record: a compact
 * projection of the current stored version (store.c fills it from columns,
 * or study.c's parse).  Borrowed pointers; the filler owns the storage.
 */
struct trial_state {
	char nct_id[NCT_ID_SIZE];
	const char *overall_status;		/* NULL: no record stored */
	bool has_results;
	char results_first_posted[DATE_SIZE];	/* "" if none */
	char last_update_posted[DATE_SIZE];	/* "" if unknown */
	char results_submitted[DATE_SIZE];	/* "" if none */
	const char *const *result_pmids;	/* PMIDs of RESULT references */
	size_t n_result_pmids;
	const char *acronym;
	const char *brief_title;
	/*
	 * From the stored history ("" when unknown): the day the current
	 * overallStatus is first known to have held without a break, and the
	 * day a RESULT reference is first known to have been listed without
	 * a break.  With them a claim the registry already contradicted when
	 * it was written is told from one that has gone stale since.
	 */
	char status_since[DATE_SIZE];
	char result_refs_since[DATE_SIZE];
	/*
	 * When the registry does not know the ID: its answer ("NCT number
	 * NCT01234560 not found") and the day it gave it; else NULL and "".
	 * A trial never stored has overall_status NULL too.
	 */
	const char *registry_answer;
	char answered_on[DATE_SIZE];
	/*
	 * The FDAAA 801 deadline ("YYYY-MM-DD") of an applicable trial whose
	 * primary completion is actual and which has submitted no results
	 * (the results_due view, migration 0006): its results are overdue once
	 * today is past it.  "" otherwise.
	 */
	char results_due_by[DATE_SIZE];
};

enum severity {
	SEV_STALE = 0,
	SEV_RECHECK,
};

/* One rule firing for one claim (rules.c). */
struct verdict {
	const char *rule;	/* static string: "results-posted", ... */
	enum severity severity;
	char *evidence;		/* human words, owned */
	char link[64];		/* https://clinicaltrials.gov/study/NCT... */
};

struct verdict_list {
	struct verdict *v;
	size_t n;
	size_t cap;
};

#endif
