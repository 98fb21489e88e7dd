/*
 * identity_speed.c - how fast identity.c judges citations, the old way and
 * the new side by side in one run.  Not a test: it prints numbers (and
 * exits 1 if the two ways ever disagree).
 *
 *   identity_speed [-r REPS] [-m PAGES] [-n STUDIES] [-w WORK] [-d FILE]
 *
 * Pages and records are gen.py's (`gen.py pages --m PAGES --n STUDIES`,
 * default 2000 pages citing 3000 trials, 43.5 MB; `gen.py studies --n
 * STUDIES`), made under WORK (default /tmp/identity-speed) the first time
 * and reused after.  Every page's mentions come from claims_scan() with
 * the records' acronyms as registry names, as sync does.  Then, best of
 * REPS (default 3), every mention whose ID has a record is judged: "old",
 * harness_identity_judge() (the record read again for every mention);
 * "new", identity_judge_record() against records
 * prepared once by identity_record_new(), the preparing timed apart and
 * in the total.  Every verdict of the two ways is compared: outcome,
 * counts and evidence, byte for byte.  -d writes the verdicts to FILE, one
 * line each, to compare with another build's.
 */
#include <errno.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "claims.h"
#include "clock.h"
#include "harness.h"
#include "identity.h"
#include "study.h"

extern char **environ;

/* The files under one folder, in memory (nftw has no context argument). */
struct files {
	char **path, **text;
	size_t *len;
	size_t n, cap, bytes;
};

static struct files walked;

struct record {
	struct study *study;
	struct identity_record *prep;
};

static int
add_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	struct files *w = &walked;

	(void)st;
	if (type != FTW_F || path[ftw->base] == '.')
		return 0;
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 1024;
		char **p = realloc(w->path, cap * sizeof(*p));
		char **t = p ? realloc(w->text, cap * sizeof(*t)) : NULL;
		size_t *l = t ? realloc(w->len, cap * sizeof(*l)) : NULL;

		if (p)
			w->path = p;
		if (t)
			w->text = t;
		if (l == NULL)
			return -1;
		w->len = l;
		w->cap = cap;
	}
	if ((w->text[w->n] = harness_read_len(path, &w->len[w->n])) == NULL ||
	    (w->path[w->n] = strdup(path)) == NULL) {
		fprintf(stderr, "identity_speed: cannot read %s\n", path);
		free(w->text[w->n]);
		return -1;
	}
	w->bytes += w->len[w->n++];
	return 0;
}

static void
files_free(struct files *w)
{
	for (size_t k = 0; k < w->n; k++) {
		free(w->path[k]);
		free(w->text[k]);
	}
	free(w->path);
	free(w->text);
	free(w->len);
	memset(w, 0, sizeof(*w));
}

/* Every regular file under dir into *out.  0 / -1. */
static int
read_tree(const char *dir, struct files *out)
{
	int rc;

	memset(&walked, 0, sizeof(walked));
	rc = nftw(dir, add_file, 16, FTW_PHYS);
	*out = walked;
	return rc == 0 && out->n > 0 ? 0 : -1;
}

/*
 * `python3 gen.py WHAT --dir DIR ...` unless DIR is there: into DIR.tmp,
 * renamed when complete, so an interrupted run leaves nothing half made.
 */
static int
generate(const char *dir, const char *what, long m, long n)
{
	char tmp[4096], ms[24], ns[24];
	char *argv[] = {"python3", GEN_PY, (char *)what, "--dir", tmp, "--n",
	    ns, m > 0 ? "--m" : NULL, ms, NULL};
	struct stat st;
	pid_t pid;
	int status;

	if (stat(dir, &st) == 0)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", dir);
	snprintf(ms, sizeof(ms), "%ld", m);
	snprintf(ns, sizeof(ns), "%ld", n);
	fprintf(stderr, "identity_speed: generating %s\n", dir);
	if (posix_spawnp(&pid, "python3", NULL, NULL, argv, environ) != 0 ||
	    waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0 || rename(tmp, dir) < 0) {
		fprintf(stderr, "identity_speed: gen.py %s failed\n", what);
		return -1;
	}
	return 0;
}

static int
cmp_record(const void *a, const void *b)
{
	return strcmp(((const struct record *)a)->study->nct_id,
	    ((const struct record *)b)->study->nct_id);
}

static struct record *
record_of(struct record *v, size_t n, const char *nct_id)
{
	struct study key;
	struct record k = {&key, NULL};

	snprintf(key.nct_id, sizeof(key.nct_id), "%s", nct_id);
	return bsearch(&k, v, n, sizeof(*v), cmp_record);
}

/* The judgements of one pass, and the verdicts when asked to keep them. */
struct pass {
	size_t outcomes[3];
	struct identity_verdict *keep;
};

/*
 * Judge every mention that has a record, the old way or the new; the
 * verdicts go into p->keep when it is set (else freed).  0 / -1.
 */
static int
judge_all(const struct identity *id, const struct mention_list *ml,
    size_t n_pages, struct record *recs, size_t n_recs, bool prepared,
    struct pass *p)
{
	struct identity_verdict v;
	size_t k, i, at = 0;
	int rc;

	for (k = 0; k < n_pages; k++) {
		for (i = 0; i < ml[k].n; i++) {
			const struct mention *m = &ml[k].v[i];
			struct record *r = record_of(recs, n_recs, m->nct_id);

			if (r == NULL)
				continue;
			rc = prepared ? identity_judge_record(id, r->prep,
			    m->context, m->context_len, &v) :
			    harness_identity_judge(id, m->context,
			    m->context_len,
			    r->study, &v);
			if (rc < 0)
				return -1;
			p->outcomes[v.outcome]++;
			if (p->keep)
				p->keep[at++] = v;
			else
				identity_verdict_finish(&v);
		}
	}
	return 0;
}

static bool
same_verdict(const struct identity_verdict *a, const struct identity_verdict *b)
{
	return a->outcome == b->outcome && a->page_terms == b->page_terms &&
	    a->shared == b->shared && strcmp(a->evidence, b->evidence) == 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: identity_speed [-r REPS] [-m PAGES] "
	    "[-n STUDIES] [-w WORK] [-d FILE]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct files pages = {0}, studies = {0};
	struct record *recs = NULL;
	struct mention_list *ml = NULL;
	struct claims_acronym *acr = NULL;
	struct claims_index *names = NULL;
	struct claim_list claims = {0};
	struct identity *id = NULL;
	struct pass old = {0}, new = {0};
	struct clock t0, never = {1e9, 1e9}, to = never, tn = never,
	    tp = never;
	const char *work = "/tmp/identity-speed", *dump = NULL;
	FILE *df;
	char pdir[4096], sdir[4096];
	long reps = 3, m = 2000, n = 3000, r;
	size_t k, n_recs = 0, n_acr = 0, judged = 0, differ = 0;
	int c, rc = 1;

	while ((c = getopt(argc, argv, "r:m:n:w:d:")) != -1) {
		switch (c) {
		case 'r':
			reps = strtol(optarg, NULL, 10);
			break;
		case 'm':
			m = strtol(optarg, NULL, 10);
			break;
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'w':
			work = optarg;
			break;
		case 'd':
			dump = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || reps < 1 || m < 1 || n < 1)
		usage();
	snprintf(pdir, sizeof(pdir), "%s/pages-%ld-%ld", work, m, n);
	snprintf(sdir, sizeof(sdir), "%s/studies-%ld", work, n);
	if ((mkdir(work, 0755) < 0 && errno != EEXIST) ||
	    generate(pdir, "pages", m, n) < 0 ||
	    generate(sdir, "studies", 0, n) < 0)
		goto out;
	if (read_tree(pdir, &pages) < 0 || read_tree(sdir, &studies) < 0) {
		fprintf(stderr, "identity_speed: no pages or studies under %s\n",
		    work);
		goto out;
	}

	/* The records, and their acronyms as the registry's names. */
	if ((recs = calloc(studies.n, sizeof(*recs))) == NULL ||
	    (acr = calloc(studies.n, sizeof(*acr))) == NULL)
		goto out;
	for (k = 0; k < studies.n; k++) {
		struct study_error err;
		struct study *s = study_from_text(studies.text[k],
		    studies.len[k],
		    NULL, &err);

		if (s == NULL) {
			fprintf(stderr, "identity_speed: %s: %s %s\n",
			    studies.path[k], err.path, err.text);
			continue;
		}
		recs[n_recs++].study = s;
		if (s->acronym)
			acr[n_acr++] = (struct claims_acronym){s->acronym,
			    s->nct_id};
	}
	qsort(recs, n_recs, sizeof(*recs), cmp_record);
	if ((names = claims_index_new(acr, n_acr)) == NULL ||
	    (ml = calloc(pages.n, sizeof(*ml))) == NULL ||
	    (id = identity_new(NULL)) == NULL)
		goto out;
	for (k = 0; k < pages.n; k++)
		if (claims_scan(pages.text[k], pages.len[k], READER_MARKDOWN, names, &claims,
		    &ml[k]) < 0)
			goto out;
		else
			claims_list_finish(&claims);

	for (r = 0; r < reps; r++) {
		memset(&old, 0, sizeof(old));
		t0 = clock_now();
		if (judge_all(id, ml, pages.n, recs, n_recs, false, &old) < 0)
			goto out;
		clock_lap(&to, t0, -1);

		t0 = clock_now();
		for (k = 0; k < n_recs; k++) {
			identity_record_free(recs[k].prep);
			recs[k].prep = NULL;
		}
		for (k = 0; k < n_recs; k++)
			if ((recs[k].prep = identity_record_new(id,
			    recs[k].study)) == NULL)
				goto out;
		clock_lap(&tp, t0, -1);
		memset(&new, 0, sizeof(new));
		t0 = clock_now();
		if (judge_all(id, ml, pages.n, recs, n_recs, true, &new) < 0)
			goto out;
		clock_lap(&tn, t0, -1);
	}
	judged = old.outcomes[0] + old.outcomes[1] + old.outcomes[2];

	/* Once more, keeping every verdict, to compare the two ways. */
	memset(old.outcomes, 0, sizeof(old.outcomes));
	memset(new.outcomes, 0, sizeof(new.outcomes));
	if ((old.keep = calloc(judged + 1, sizeof(*old.keep))) == NULL ||
	    (new.keep = calloc(judged + 1, sizeof(*new.keep))) == NULL ||
	    judge_all(id, ml, pages.n, recs, n_recs, false, &old) < 0 ||
	    judge_all(id, ml, pages.n, recs, n_recs, true, &new) < 0)
		goto out;
	for (k = 0; k < judged; k++)
		if (!same_verdict(&old.keep[k], &new.keep[k]) && differ++ < 5)
			fprintf(stderr, "identity_speed: verdict %zu differs:\n"
			    "  old %s: %s\n  new %s: %s\n", k,
			    harness_outcome_name(old.keep[k].outcome),
			    old.keep[k].evidence,
			    harness_outcome_name(new.keep[k].outcome),
			    new.keep[k].evidence);
	if (dump != NULL) {
		if ((df = fopen(dump, "w")) == NULL) {
			perror(dump);
			goto out;
		}
		for (k = 0; k < judged; k++)
			fprintf(df, "%s %u %u %s\n", harness_outcome_name(
			    old.keep[k].outcome), old.keep[k].page_terms,
			    old.keep[k].shared, old.keep[k].evidence);
		if (fclose(df) != 0)
			goto out;
	}

	printf("%zu pages, %.1f MB; %zu records; %zu judgements (%zu match, "
	    "%zu mismatch, %zu unknown); best of %ld\n", pages.n,
	    (double)pages.bytes / 1e6, n_recs, judged,
	    old.outcomes[IDENTITY_MATCH], old.outcomes[IDENTITY_MISMATCH],
	    old.outcomes[IDENTITY_UNKNOWN], reps);
	printf("%-40s %7.3f s  cpu %7.3f s  %9.0f judgements/s\n",
	    "old: one-off judgement", to.wall, to.cpu, (double)judged / to.cpu);
	printf("%-40s %7.3f s  cpu %7.3f s  (%zu records)\n",
	    "new: identity_record_new", tp.wall, tp.cpu, n_recs);
	printf("%-40s %7.3f s  cpu %7.3f s  %9.0f judgements/s\n",
	    "new: identity_judge_record", tn.wall, tn.cpu,
	    (double)judged / tn.cpu);
	printf("%-40s %7.3f s  cpu %7.3f s  %9.0f judgements/s\n",
	    "new: prepare + judge", tp.wall + tn.wall, tp.cpu + tn.cpu,
	    (double)judged / (tp.cpu + tn.cpu));
	printf("old / new (cpu): %.1fx judging, %.1fx with preparing; "
	    "%zu verdicts differ\n", to.cpu / tn.cpu, to.cpu / (tp.cpu +
	    tn.cpu), differ);
	rc = differ == 0 && old.outcomes[0] == new.outcomes[0] &&
	    old.outcomes[1] == new.outcomes[1] ? 0 : 1;
out:
	for (k = 0; old.keep && k < judged; k++) {
		identity_verdict_finish(&old.keep[k]);
		identity_verdict_finish(&new.keep[k]);
	}
	free(old.keep);
	free(new.keep);
	for (k = 0; ml && k < pages.n; k++)
		claims_mentions_finish(&ml[k]);
	free(ml);
	for (k = 0; k < n_recs; k++) {
		identity_record_free(recs[k].prep);
		study_free(recs[k].study);
	}
	free(recs);
	free(acr);
	claims_index_free(names);
	identity_free(id);
	files_free(&pages);
	files_free(&studies);
	return rc;
}
