/*
 * claims_speed.c - how fast claims.c reads pages, beside `grep -rc NCT`
 * over the same files in the same run (the page-scan target: at most 3x
 * grep, tests/bench/README.md item 5).  Not a test: it prints numbers.
 *
 *   claims_speed [-n ACRONYMS] [-a FILE] [-r REPS] [-p] DIR
 *
 * Reads every regular file under DIR once (so grep too finds them in the
 * page cache), builds one claims_index of ACRONYMS synthetic registry
 * acronyms (default 30000, shaped like gen.py's) or of the "ACRONYM
 * NCT_ID" lines of FILE, then times, best of REPS (default 5):
 * claims_scan() (claims only) over the pages in memory; open and read page
 * by page as pages.c does, without and with extracting; and grep.  -p also
 * times the old calling pattern, an index built for every page
 * (harness_claims_extract()), once.  Wall and CPU seconds both: on a
 * shared machine CPU time is the steadier of the two.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "claims.h"
#include "clock.h"
#include "harness.h"

extern char **environ;

struct page {
	char *path;
	char *text;
	size_t len;
};

struct pages {
	struct page *v;
	size_t n, cap;
	size_t bytes;
};

struct acronyms {
	struct claims_acronym *v;
	char *buf;		/* the strings v points into */
	size_t n;
};

/* The whole file into a new buffer, as pages.c reads a page.  0 / -1. */
static int
slurp(const char *path, char **text, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	ssize_t r;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) < 0 || (buf = malloc((size_t)st.st_size + 1)) ==
	    NULL)
		goto out;
	while (n < (size_t)st.st_size) {
		r = read(fd, buf + n, (size_t)st.st_size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto out;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

static int
walk(const char *dir, struct pages *p)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	char *path;
	int rc = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((path = malloc(strlen(dir) + strlen(de->d_name) + 2)) ==
		    NULL) {
			rc = -1;
			break;
		}
		sprintf(path, "%s/%s", dir, de->d_name);
		if (stat(path, &st) < 0) {
			free(path);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			rc = walk(path, p);
			free(path);
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		if (p->n == p->cap) {
			size_t cap = p->cap ? 2 * p->cap : 256;
			struct page *v = realloc(p->v, cap * sizeof(*v));

			if (v == NULL) {
				free(path);
				rc = -1;
				break;
			}
			p->v = v;
			p->cap = cap;
		}
		p->v[p->n].path = path;
		if (slurp(path, &p->v[p->n].text, &p->v[p->n].len) < 0) {
			fprintf(stderr, "claims_speed: cannot read %s\n", path);
			free(path);
			continue;
		}
		p->bytes += p->v[p->n].len;
		p->n++;
	}
	closedir(d);
	return rc;
}

/* n acronyms shaped like gen.py's: 3-7 letters, a fifth with "-1".."-4". */
static int
synthetic(size_t n, struct acronyms *a)
{
	static const char letters[] = "ABCDEFGHIKLMNOPRSTUVWXYZ";
	uint64_t r = 0x9e3779b97f4a7c15u;
	size_t k, len, j;
	char *s;

	if ((a->v = calloc(n ? n : 1, sizeof(*a->v))) == NULL ||
	    (a->buf = malloc(n * (10 + 12) + 1)) == NULL)
		return -1;
	for (k = 0, s = a->buf; k < n; k++) {
		r ^= r << 13, r ^= r >> 7, r ^= r << 17;	/* xorshift64 */
		len = 3 + r % 5;
		a->v[k].acronym = s;
		for (j = 0; j < len; j++)
			*s++ = letters[(r >> (8 + 5 * j)) % 24];
		if ((r >> 48) % 5 == 0)
			s += sprintf(s, "-%d", (int)((r >> 56) % 4) + 1);
		*s++ = '\0';
		a->v[k].nct_id = s;
		s += sprintf(s, "NCT1%07zu", k % 10000000) + 1;
	}
	a->n = n;
	return 0;
}

/* "ACRONYM NCT_ID" lines.  0 / -1. */
static int
from_file(const char *path, struct acronyms *a)
{
	size_t len, k, cap = 0;
	char *p, *nl, *sp;

	if (slurp(path, &a->buf, &len) < 0)
		return -1;
	for (p = a->buf; p < a->buf + len; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(a->buf + len - p))) == NULL)
			nl = a->buf + len;
		*nl = '\0';
		if ((sp = strchr(p, ' ')) == NULL)
			continue;
		*sp = '\0';
		if (a->n == cap) {
			struct claims_acronym *v;

			cap = cap ? 2 * cap : 1024;
			if ((v = realloc(a->v, cap * sizeof(*v))) == NULL)
				return -1;
			a->v = v;
		}
		k = a->n++;
		a->v[k].acronym = p;
		a->v[k].nct_id = sp + 1;
	}
	return 0;
}

/*
 * One pass over the pages in memory: the claims found, -1 on failure.
 * With nx NULL, an index for each page (harness_claims_extract()).
 */
static long
extract_all(const struct pages *p, const struct claims_index *nx,
    const struct acronyms *a)
{
	struct claim_list cl = {0};
	long claims = 0;
	size_t k;
	int rc;

	for (k = 0; k < p->n; k++) {
		enum reader_format f = reader_format_of(p->v[k].path);

		rc = nx ? claims_scan(p->v[k].text, p->v[k].len, f, nx, &cl,
		    NULL) : harness_claims_extract(p->v[k].text, p->v[k].len,
		    f, a->v, a->n, &cl);
		if (rc < 0)
			return -1;
		claims += (long)cl.n;
		claims_list_finish(&cl);
	}
	return claims;
}

/*
 * Open, read, extract (unless nx is NULL), free, page by page; with
 * `mentions`, the citations too (what a scan extracts: the floor of
 * `ctmirror scan`, tests/bench/README.md).
 */
static long
read_extract_all(const struct pages *p, const struct claims_index *nx,
    bool mentions)
{
	struct claim_list cl = {0};
	struct mention_list ml = {0};
	long claims = 0;
	size_t k, len;
	char *text;

	for (k = 0; k < p->n; k++) {
		if (slurp(p->v[k].path, &text, &len) < 0)
			return -1;
		if (nx && claims_scan(text, len, reader_format_of(p->v[k].path),
		    nx, &cl, mentions ? &ml : NULL) < 0) {
			free(text);
			return -1;
		}
		claims += (long)cl.n;
		claims_list_finish(&cl);
		claims_mentions_finish(&ml);
		free(text);
	}
	return claims;
}

/*
 * `grep -rc NCT dir > out` (a file: grep stops early writing to
 * /dev/null); its CPU seconds into *cpu.
 */
static int
grep(const char *dir, const char *out, double *cpu)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = {"grep", "-rc", "NCT", (char *)dir, NULL};
	struct rusage ru;
	pid_t pid;
	int st, rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT |
	    O_TRUNC, 0600);
	rc = posix_spawnp(&pid, "grep", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0 || wait4(pid, &st, 0, &ru) < 0 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) > 1)
		return -1;
	*cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	return 0;
}

static void
row(const char *what, struct clock c, double mb)
{
	printf("%-32s %7.3f s %7.1f MB/s   cpu %7.3f s %7.1f MB/s\n", what,
	    c.wall, mb / c.wall, c.cpu, mb / c.cpu);
}

static void
usage(void)
{
	fprintf(stderr, "usage: claims_speed [-n ACRONYMS] [-a FILE] "
	    "[-r REPS] [-p] DIR\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct pages p = {0};
	struct acronyms a = {0};
	struct claims_index *nx = NULL;
	const char *acr_file = NULL, *dir;
	char out[] = "/tmp/claims_speed.XXXXXX";
	struct clock t0, never = {1e9, 1e9}, x = never, rd = never, rx = never, rxm = never,
	    g = never, pp = never, ix = never;
	double mb, cpu;
	long n_acr = 30000, reps = 5, r, claims = 0;
	int c, fd, per_page = 0, rc = 1;

	while ((c = getopt(argc, argv, "n:a:r:p")) != -1) {
		switch (c) {
		case 'n':
			n_acr = strtol(optarg, NULL, 10);
			break;
		case 'a':
			acr_file = optarg;
			break;
		case 'r':
			reps = strtol(optarg, NULL, 10);
			break;
		case 'p':
			per_page = 1;
			break;
		default:
			usage();
		}
	}
	if (optind + 1 != argc || n_acr < 0 || reps < 1)
		usage();
	dir = argv[optind];
	if ((fd = mkstemp(out)) < 0) {
		perror("claims_speed: mkstemp");
		return 1;
	}
	close(fd);
	if (walk(dir, &p) < 0 || p.n == 0) {
		fprintf(stderr, "claims_speed: no pages under %s\n", dir);
		goto out;
	}
	if ((acr_file ? from_file(acr_file, &a) : synthetic((size_t)n_acr,
	    &a)) < 0) {
		fprintf(stderr, "claims_speed: cannot make the acronyms\n");
		goto out;
	}
	t0 = clock_now();
	if ((nx = claims_index_new(a.v, a.n)) == NULL)
		goto out;
	clock_lap(&ix, t0, -1);
	mb = (double)p.bytes / 1e6;
	for (r = 0; r < reps; r++) {
		t0 = clock_now();
		if ((claims = extract_all(&p, nx, NULL)) < 0)
			goto out;
		clock_lap(&x, t0, -1);
		t0 = clock_now();
		if (read_extract_all(&p, NULL, false) < 0)
			goto out;
		clock_lap(&rd, t0, -1);
		t0 = clock_now();
		if (read_extract_all(&p, nx, false) != claims)
			goto out;
		clock_lap(&rx, t0, -1);
		t0 = clock_now();
		if (read_extract_all(&p, nx, true) != claims)
			goto out;
		clock_lap(&rxm, t0, -1);
		t0 = clock_now();
		if (grep(dir, out, &cpu) < 0) {
			fprintf(stderr, "claims_speed: grep failed\n");
			goto out;
		}
		clock_lap(&g, t0, cpu);
	}
	printf("%zu pages, %.1f MB, %zu registry acronyms (index built in "
	    "%.1f ms), %ld claims; best of %ld\n", p.n, mb, a.n,
	    ix.wall * 1e3, claims, reps);
	row("extract (in memory)", x, mb);
	row("read only", rd, mb);
	row("read + extract", rx, mb);
	row("read + extract with citations", rxm, mb);
	row("grep -rc NCT DIR > file", g, mb);
	if (per_page) {
		t0 = clock_now();
		if (extract_all(&p, NULL, &a) != claims)
			goto out;
		clock_lap(&pp, t0, -1);
		row("claims_scan, index per page", pp, mb);
	}
	printf("read + extract / grep: %.2fx wall, %.2fx cpu\n",
	    rx.wall / g.wall, rx.cpu / g.cpu);
	rc = 0;
out:
	claims_index_free(nx);
	for (size_t k = 0; k < p.n; k++) {
		free(p.v[k].path);
		free(p.v[k].text);
	}
	free(p.v);
	free(a.v);
	free(a.buf);
	unlink(out);
	return rc;
}
