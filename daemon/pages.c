/*
 * pages.c - find the knowledge-base pages named by files, folders and globs,
 * then read them one at a time, in sorted order, skipping (with a warning)
 * what is binary, unreadable or too large.
 */
#include "pages.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "log.h"

/* Where a NUL byte marks a file as binary (as git and grep look). */
#define SNIFF_SIZE 8192

#ifndef GLOB_BRACE
#define GLOB_BRACE 0
#endif
#ifndef GLOB_TILDE
#define GLOB_TILDE 0
#endif

/* Extensions a folder walk picks up; explicitly named files need none. */
static const char *const page_exts[] = {".md", ".markdown", ".txt", ".html", ".htm"};

/* One file found, to be read later. */
struct entry {
	char *path;
	dev_t dev;
	ino_t ino;
	bool dup;		/* the same file under an earlier path */
};

struct dirid {
	dev_t dev;
	ino_t ino;
};

struct scan {
	struct entry *v;
	size_t n, cap;
	struct dirid *dirs;	/* folders walked: symlink loops end here */
	size_t n_dirs, cap_dirs;
	unsigned skipped;
	bool oom;
};

static void
skip(struct scan *s, const char *path, const char *why)
{
	log_warnx("page=%s: skipped: %s", path, why);
	s->skipped++;
}

static bool
is_page_name(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot == NULL || dot == name)
		return false;
	for (size_t i = 0; i < sizeof(page_exts) / sizeof(page_exts[0]); i++)
		if (strcasecmp(dot, page_exts[i]) == 0)
			return true;
	return false;
}

static bool
has_glob_chars(const char *p)
{
	return strpbrk(p, "*?[{") != NULL || p[0] == '~';
}

/* dir + "/" + name, without doubling a trailing slash.  New or NULL. */
static char *
join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	bool slash = dl > 0 && dir[dl - 1] == '/';
	char *p = malloc(dl + nl + 2);

	if (p == NULL)
		return NULL;
	memcpy(p, dir, dl);
	if (!slash)
		p[dl++] = '/';
	memcpy(p + dl, name, nl + 1);
	return p;
}

static void
add_file(struct scan *s, const char *path, const struct stat *st)
{
	struct entry *e;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;

		if ((e = realloc(s->v, cap * sizeof(*e))) == NULL) {
			s->oom = true;
			return;
		}
		s->v = e;
		s->cap = cap;
	}
	e = &s->v[s->n];
	if ((e->path = strdup(path)) == NULL) {
		s->oom = true;
		return;
	}
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	e->dup = false;
	s->n++;
}

/* Remember a folder; false if it was walked already (or no memory). */
static bool
first_visit(struct scan *s, const struct stat *st)
{
	struct dirid *d;

	for (size_t i = 0; i < s->n_dirs; i++)
		if (s->dirs[i].dev == st->st_dev && s->dirs[i].ino == st->st_ino)
			return false;
	if (s->n_dirs == s->cap_dirs) {
		size_t cap = s->cap_dirs ? s->cap_dirs * 2 : 16;

		if ((d = realloc(s->dirs, cap * sizeof(*d))) == NULL) {
			s->oom = true;
			return false;
		}
		s->dirs = d;
		s->cap_dirs = cap;
	}
	s->dirs[s->n_dirs].dev = st->st_dev;
	s->dirs[s->n_dirs].ino = st->st_ino;
	s->n_dirs++;
	return true;
}

static void
free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/*
 * The names in a folder, hidden ones left out.  The folder is closed
 * before the caller descends, so deep trees do not hold a descriptor per
 * level.  0, or -1 when it cannot be read (warned) or on no memory.
 */
static int
list_dir(struct scan *s, const char *dir, char ***out, size_t *nout)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL, **grown;
	size_t n = 0, cap = 0;
	int rc = -1;

	if ((d = opendir(dir)) == NULL) {
		log_warn("page folder=%s: cannot read", dir);
		return -1;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0) {
				log_warn("page folder=%s: cannot read", dir);
				goto out;
			}
			break;
		}
		/* Dot entries: ".", "..", .git, editor and sync leftovers. */
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			if ((grown = realloc(names, cap * sizeof(*names))) ==
			    NULL)
				goto oom;
			names = grown;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			goto oom;
		n++;
	}
	*out = names;
	*nout = n;
	names = NULL;
	n = 0;
	rc = 0;
	goto out;
oom:
	s->oom = true;
out:
	free_names(names, n);
	closedir(d);
	return rc;
}

/*
 * Collect the pages under a folder: 0, 1 if it was walked already, -1 if
 * it could not be listed (warned).
 */
static int
walk(struct scan *s, const char *dir, const struct stat *dst)
{
	char **names = NULL;
	size_t n = 0;

	if (!first_visit(s, dst))
		return 1;
	if (list_dir(s, dir, &names, &n) < 0)
		return -1;
	for (size_t i = 0; i < n && !s->oom; i++) {
		struct stat st;
		char *p = join(dir, names[i]);

		if (p == NULL) {
			s->oom = true;
			break;
		}
		/* stat, not lstat: linked pages and folders are followed. */
		if (stat(p, &st) < 0) {
			if (is_page_name(names[i])) {
				log_warn("page=%s: skipped: cannot read", p);
				s->skipped++;
			}
		} else if (S_ISDIR(st.st_mode))
			(void)walk(s, p, &st);	/* warned inside */
		else if (is_page_name(names[i])) {
			if (S_ISREG(st.st_mode))
				add_file(s, p, &st);
			else
				skip(s, p, "not a regular file");
		}
		/* Anything else is not a page: images, data, backups. */
		free(p);
	}
	free_names(names, n);
	return 0;
}

/* One named path or glob match.  `named`: as the user wrote it. */
static void
add_path(struct scan *s, const char *path, bool named)
{
	struct stat st;
	size_t before = s->n;

	if (stat(path, &st) < 0) {
		if (named && errno == ENOENT)
			log_warnx("pages: %s: matches nothing", path);
		else
			log_warn("pages: %s: cannot read", path);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		if (walk(s, path, &st) == 0 && named && s->n == before &&
		    !s->oom)
			log_warnx("pages: %s: no .md, .markdown or .txt file "
			    "found", path);
	} else if (S_ISREG(st.st_mode))
		add_file(s, path, &st);	/* named: any extension */
	else
		skip(s, path, "not a regular file");
}

static void
add_glob(struct scan *s, const char *pattern)
{
	glob_t g;
	int rc;

	memset(&g, 0, sizeof(g));
	rc = glob(pattern, GLOB_BRACE | GLOB_TILDE, NULL, &g);
	if (rc == GLOB_NOMATCH)
		log_warnx("pages: %s: matches nothing", pattern);
	else if (rc == GLOB_NOSPACE)
		s->oom = true;
	else if (rc != 0)
		log_warnx("pages: %s: cannot expand the pattern (a folder "
		    "could not be read)", pattern);
	else
		for (size_t i = 0; i < g.gl_pathc && !s->oom; i++)
			add_path(s, g.gl_pathv[i], false);
	globfree(&g);
}

static int
cmp_path(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path,
	    ((const struct entry *)b)->path);
}

static int
cmp_file(const void *a, const void *b)
{
	const struct entry *x = *(struct entry *const *)a;
	const struct entry *y = *(struct entry *const *)b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return strcmp(x->path, y->path);
}

/*
 * Sort by path and mark every later path of a file already listed (named
 * twice, a folder and a file in it, hard or symbolic links).  0 / -1.
 */
static int
sort_unique(struct scan *s)
{
	struct entry **byfile;

	if (s->n == 0)
		return 0;
	qsort(s->v, s->n, sizeof(*s->v), cmp_path);
	if ((byfile = malloc(s->n * sizeof(*byfile))) == NULL)
		return -1;
	for (size_t i = 0; i < s->n; i++)
		byfile[i] = &s->v[i];
	qsort(byfile, s->n, sizeof(*byfile), cmp_file);
	for (size_t i = 1; i < s->n; i++)
		if (byfile[i]->dev == byfile[i - 1]->dev &&
		    byfile[i]->ino == byfile[i - 1]->ino)
			byfile[i]->dup = true;
	free(byfile);
	return 0;
}

/*
 * Read one page whole into *out (new, NUL-terminated).  0 read, 1 skipped
 * (warned and counted), -1 no memory.  The size is checked while reading
 * too, since a file can grow after it was listed.
 */
static int
read_page(struct scan *s, const char *path, size_t max_size, char **out,
    size_t *len)
{
	struct stat st;
	char *buf = NULL, *grown;
	size_t cap, n = 0;
	ssize_t r;
	int fd, rc = 1;
	char why[64];

	/* O_NONBLOCK: a FIFO swapped in after listing must not hang us. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		log_warn("page=%s: skipped: cannot read", path);
		s->skipped++;
		return 1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		skip(s, path, "not a regular file");
		goto out;
	}
	if (max_size > 0 && (unsigned long long)st.st_size > max_size)
		goto too_big;
	cap = (size_t)st.st_size + 1;
	if ((buf = malloc(cap)) == NULL)
		goto oom;
	for (;;) {
		if (n + 1 == cap) {
			if (max_size > 0 && n >= max_size)
				break;	/* one byte past the cap tells */
			cap = cap * 2;
			if ((grown = realloc(buf, cap)) == NULL)
				goto oom;
			buf = grown;
		}
		r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			log_warn("page=%s: skipped: cannot read", path);
			s->skipped++;
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (max_size > 0 && n > max_size)
			goto too_big;
	}
	if (max_size > 0 && n == max_size && n + 1 == cap) {
		/* Exactly at the cap: a byte more means it is too large. */
		char c;

		if (read(fd, &c, 1) > 0)
			goto too_big;
	}
	if (memchr(buf, '\0', n < SNIFF_SIZE ? n : SNIFF_SIZE) != NULL) {
		skip(s, path, "binary (a NUL byte in the first 8 KiB)");
		goto out;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
	rc = 0;
	goto out;
too_big:
	snprintf(why, sizeof(why), "larger than %zu bytes", max_size);
	skip(s, path, why);
	goto out;
oom:
	rc = -1;
out:
	free(buf);
	close(fd);
	return rc;
}

long
pages_scan(char *const *paths, size_t n, size_t max_size, pages_fn fn,
    void *arg, unsigned *skipped)
{
	struct scan s;
	char *text;
	size_t len;
	long delivered = 0;
	int rc;

	memset(&s, 0, sizeof(s));
	for (size_t i = 0; i < n && !s.oom; i++) {
		struct stat st;

		if (paths[i] == NULL || paths[i][0] == '\0')
			continue;
		/* A literal name wins over a pattern: "notes[1].md" exists. */
		if (stat(paths[i], &st) < 0 && errno == ENOENT &&
		    has_glob_chars(paths[i]))
			add_glob(&s, paths[i]);
		else
			add_path(&s, paths[i], true);
	}
	if (s.oom || sort_unique(&s) < 0)
		goto oom;
	for (size_t i = 0; i < s.n; i++) {
		if (s.v[i].dup)
			continue;
		text = NULL;
		if ((rc = read_page(&s, s.v[i].path, max_size, &text, &len)) < 0)
			goto oom;
		if (rc > 0)
			continue;
		rc = fn(arg, s.v[i].path, text, len);
		free(text);
		if (rc < 0) {
			delivered = -1;
			goto out;
		}
		delivered++;
	}
	goto out;
oom:
	log_warnx("pages: out of memory while listing or reading pages");
	delivered = -1;
out:
	for (size_t i = 0; i < s.n; i++)
		free(s.v[i].path);
	free(s.v);
	free(s.dirs);
	if (skipped != NULL)
		*skipped = s.skipped;
	return delivered;
}
