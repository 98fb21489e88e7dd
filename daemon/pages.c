/*
 * pages.c - find the knowledge-base pages named by files, folders and globs,
 * then read them one at a time, in sorted order, skipping (with a warning)
 * what is binary, unreadable or too large.
 */
#include "pages.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "text.h"

/* Where a NUL byte marks a file as binary (as git and grep look). */
#define SNIFF_SIZE 8192

#ifndef GLOB_BRACE
#define GLOB_BRACE 0
#endif
#ifndef GLOB_TILDE
#define GLOB_TILDE 0
#endif

/* Extensions a folder walk picks up; explicitly named files need none. */
static const char *const page_exts[] = {
	".md", ".markdown", ".txt", ".html", ".htm",
};

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
	struct pages_skips *skips;
	bool oom;
};

/* A warning about the walk, unless the caller walks again to warn. */
#define WARN(s, ...) do {						\
	if (!(s)->skips->quiet)						\
		log_warnx(__VA_ARGS__);					\
} while (0)

/* Remember that `path` was not read, and why.  Not logged here. */
static void
note_skip(struct scan *s, const char *path, enum pages_skip_kind kind,
    const char *why)
{
	struct pages_skips *k = s->skips;
	struct pages_skip *v;

	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 8;

		if ((v = realloc(k->v, cap * sizeof(*v))) == NULL) {
			s->oom = true;
			return;
		}
		k->v = v;
		k->cap = cap;
	}
	v = &k->v[k->n];
	v->kind = kind;
	if ((v->path = strdup(path)) == NULL ||
	    (v->why = strdup(why)) == NULL) {
		free(v->path);
		s->oom = true;
		return;
	}
	k->n++;
}

static void
skip(struct scan *s, const char *path, const char *why)
{
	WARN(s, "page=%s: skipped: %s", path, why);
	note_skip(s, path, PAGES_SKIP_FILE, why);
}

/* Like skip(), with ": strerror(errno)" in the warning and the reason. */
static void
skip_errno(struct scan *s, const char *path, enum pages_skip_kind kind,
    const char *what, const char *why)
{
	char text[256];

	snprintf(text, sizeof(text), "%s: %s", why, strerror(errno));
	WARN(s, "%s=%s: skipped: %s", what, path, text);
	note_skip(s, path, kind, text);
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

	/* Its pages are not gone: they keep their claims and flags. */
	if ((d = opendir(dir)) == NULL) {
		skip_errno(s, dir, PAGES_SKIP_FOLDER, "page folder",
		    "cannot be listed");
		return -1;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0) {
				skip_errno(s, dir, PAGES_SKIP_FOLDER,
				    "page folder", "cannot be listed");
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
		/*
		 * stat, not lstat: linked pages and folders are followed.  Any
		 * other entry that cannot be looked at (not one that vanished
		 * or dangles) may be a folder of pages: kept, quietly.
		 */
		if (stat(p, &st) < 0) {
			if (is_page_name(names[i]))
				skip_errno(s, p, PAGES_SKIP_FILE, "page",
				    "cannot read");
			else if (errno != ENOENT && errno != ELOOP)
				note_skip(s, p, PAGES_SKIP_FOLDER,
				    "cannot read");
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
		/*
		 * A named folder that is not there (a share not mounted)
		 * keeps its pages' flags; a named file that is not there
		 * was deleted, and its flags resolve.
		 */
		if (named && errno == ENOENT) {
			WARN(s, "pages: %s: matches nothing", path);
			note_skip(s, path, PAGES_SKIP_FOLDER,
			    "matches nothing");
		} else {
			skip_errno(s, path, PAGES_SKIP_ANY, "pages",
			    "cannot read");
		}
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		if (walk(s, path, &st) == 0 && named && s->n == before &&
		    !s->oom)
			WARN(s, "pages: %s: no .md, .markdown, .txt, .html "
			    "or .htm file found", path);
	} else if (S_ISREG(st.st_mode))
		add_file(s, path, &st);	/* named: any extension */
	else
		skip(s, path, "not a regular file");
}

/* glob(3)'s error callback has no argument: the walk of this thread. */
static _Thread_local struct scan *glob_scan;

/* A folder glob could not open: its pages are skipped, not gone. */
static int
glob_error(const char *path, int err)
{
	errno = err;
	if (glob_scan != NULL)
		skip_errno(glob_scan, path, PAGES_SKIP_FOLDER, "page folder",
		    "cannot be listed");
	return 0;	/* go on with the rest of the pattern */
}

static void
add_glob(struct scan *s, const char *pattern)
{
	glob_t g;
	int rc;

	memset(&g, 0, sizeof(g));
	glob_scan = s;
	rc = glob(pattern, GLOB_BRACE | GLOB_TILDE, glob_error, &g);
	glob_scan = NULL;
	if (rc == GLOB_NOMATCH)
		WARN(s, "pages: %s: matches nothing", pattern);
	else if (rc == GLOB_NOSPACE)
		s->oom = true;
	else if (rc != 0)
		WARN(s, "pages: %s: cannot expand the pattern (a folder "
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

/* Reads of a page that changes meanwhile, before it is skipped. */
#define READ_TRIES 3
/*
 * A page modified this recently may still be being written (a program
 * writing it in pieces): its reading is checked again once it is this
 * old.  Costs a sync at most this much, and only for pages just written.
 * A writer that stops longer than this between two pieces cannot be told
 * from one that is done.
 */
#define SETTLE_NS (200 * 1000 * 1000L)

/* What says a file changed: its identity, size and times. */
static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Nanoseconds since the file last changed, by the file system's clock. */
static long long
age_ns(const struct stat *st)
{
	struct timespec now;
	const struct timespec *m = st->st_ctim.tv_sec > st->st_mtim.tv_sec ||
	    (st->st_ctim.tv_sec == st->st_mtim.tv_sec &&
	    st->st_ctim.tv_nsec > st->st_mtim.tv_nsec) ? &st->st_ctim :
	    &st->st_mtim;

	clock_gettime(CLOCK_REALTIME, &now);
	return (long long)(now.tv_sec - m->tv_sec) * 1000000000LL +
	    (now.tv_nsec - m->tv_nsec);
}

/*
 * One read of an open page into *buf (new, NUL-terminated, *len bytes).
 * 0 read; 1 too big; -1 a read error (errno); -2 no memory.  The size is
 * checked while reading too, since a file can grow after it was listed.
 */
static int
read_all(int fd, const struct stat *st, size_t max_size, char **out,
    size_t *len)
{
	char *buf, *grown;
	size_t cap, n = 0;
	ssize_t r;

	*out = NULL;
	if (max_size > 0 && (unsigned long long)st->st_size > max_size)
		return 1;
	cap = (size_t)st->st_size + 1;
	if ((buf = malloc(cap)) == NULL)
		return -2;
	for (;;) {
		if (n + 1 == cap) {
			if (max_size > 0 && n >= max_size)
				break;	/* one byte past the cap tells */
			cap = cap * 2;
			if ((grown = realloc(buf, cap)) == NULL) {
				free(buf);
				return -2;
			}
			buf = grown;
		}
		r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (max_size > 0 && n > max_size) {
			free(buf);
			return 1;
		}
	}
	if (max_size > 0 && n == max_size && n + 1 == cap) {
		/* Exactly at the cap: a byte more means it is too large. */
		char c;

		if (read(fd, &c, 1) > 0) {
			free(buf);
			return 1;
		}
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/*
 * Read one page whole into *out (new, NUL-terminated).  0 read, 1 skipped
 * (warned and noted), -1 no memory.  A page rewritten while it is read
 * (its size or times differ after the read, or it was modified within
 * SETTLE_NS and changes before it is that old) is read again, and skipped
 * this cycle when it does not hold still: judged half-written, it would
 * lose flags and announce them again once whole.
 */
static int
read_page(struct scan *s, const char *path, size_t max_size, char **out,
    size_t *len)
{
	struct stat before, after;
	char *buf = NULL;
	size_t n = 0;
	int fd = -1, rc = 1, r;
	char why[64];

	for (int attempt = 0; attempt < READ_TRIES; attempt++) {
		if (fd >= 0)
			close(fd);
		free(buf);
		buf = NULL;
		/* O_NONBLOCK: a FIFO swapped in after listing must not hang us. */
		if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
			skip_errno(s, path, PAGES_SKIP_FILE, "page",
			    "cannot read");
			return 1;
		}
		if (fstat(fd, &before) < 0 || !S_ISREG(before.st_mode)) {
			skip(s, path, "not a regular file");
			goto out;
		}
		if ((r = read_all(fd, &before, max_size, &buf, &n)) == -2)
			goto oom;
		if (r == 1)
			goto too_big;
		if (r < 0) {
			skip_errno(s, path, PAGES_SKIP_FILE, "page",
			    "cannot read");
			goto out;
		}
		if (fstat(fd, &after) < 0 || !same_file(&before, &after) ||
		    (off_t)n != after.st_size)
			continue;	/* written to while we read */
		/*
		 * Recently modified, or empty: look again once it has had
		 * time to settle.  Empty, because a file truncated by
		 * open(O_TRUNC) shows its new size before its new times (13 ms
		 * on ext4 here), so a page being rewritten can read as empty
		 * and old.  (A time in the future is a clock's fault.)
		 */
		if (n == 0 || (age_ns(&after) >= 0 &&
		    age_ns(&after) < SETTLE_NS)) {
			long long wait = n == 0 ? SETTLE_NS - 1 :
			    SETTLE_NS - age_ns(&after);
			struct timespec ts = {0, wait > 0 && wait < SETTLE_NS ?
			    (long)wait : 0};

			nanosleep(&ts, NULL);
			if (stat(path, &before) < 0 ||
			    !same_file(&before, &after))
				continue;	/* still being written */
		}
		goto done;
	}
	skip(s, path, "changed while being read, every time (it is read "
	    "again next cycle)");
	goto out;
done:
	if (memchr(buf, '\0', n < SNIFF_SIZE ? n : SNIFF_SIZE) != NULL) {
		skip(s, path, "binary (a NUL byte in the first 8 KiB)");
		goto out;
	}
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
	if (fd >= 0)
		close(fd);
	return rc;
}

static int
cmp_skip(const void *a, const void *b)
{
	return strcmp(((const struct pages_skip *)a)->path,
	    ((const struct pages_skip *)b)->path);
}

long
pages_scan(char *const *paths, size_t n, size_t max_size, pages_fn fn,
    void *arg, struct pages_skips *skips)
{
	struct pages_skips mine = {0};
	struct scan s;
	char *text;
	size_t len;
	long delivered = 0;
	int rc;

	memset(&s, 0, sizeof(s));
	s.skips = skips ? skips : &mine;
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
	if (s.oom)
		goto oom;
	goto out;
oom:
	log_warnx("pages: out of memory while listing or reading pages");
	delivered = -1;
out:
	for (size_t i = 0; i < s.n; i++)
		free(s.v[i].path);
	free(s.v);
	free(s.dirs);
	if (s.skips->n > 1)
		qsort(s.skips->v, s.skips->n, sizeof(*s.skips->v), cmp_skip);
	pages_skips_finish(&mine);
	return delivered;
}

/* Is `path` the skipped path itself, or under it as a folder? */
static bool
covers(const struct pages_skip *k, const char *path)
{
	size_t n = strlen(k->path);

	/* The root itself ("."): every name under it, none outside. */
	if (strcmp(k->path, ".") == 0 && k->kind != PAGES_SKIP_FILE)
		return path[0] != '/';
	if (strcmp(path, k->path) == 0)
		return k->kind != PAGES_SKIP_FOLDER;
	if (k->kind == PAGES_SKIP_FILE || strncmp(path, k->path, n) != 0)
		return false;
	/* "kb/sub" covers "kb/sub/x.md", not "kb/subway.md". */
	return (n > 0 && k->path[n - 1] == '/') || path[n] == '/';
}

const char *
pages_skipped(const struct pages_skips *skips, const char *path)
{
	if (skips == NULL)
		return NULL;
	/* A handful at most in practice: one pass. */
	for (size_t i = 0; i < skips->n; i++)
		if (covers(&skips->v[i], path))
			return skips->v[i].why;
	return NULL;
}

void
pages_skips_finish(struct pages_skips *skips)
{
	if (skips == NULL)
		return;
	for (size_t i = 0; i < skips->n; i++) {
		free(skips->v[i].path);
		free(skips->v[i].why);
	}
	free(skips->v);
	memset(skips, 0, sizeof(*skips));
}

/* ---------------------------------------------------------------- names */

/*
 * `path` as an absolute path, by its text: against the working folder,
 * "~/" against $HOME (as the glob of paths reads it).  New or NULL.
 */
static char *
absolute(const char *path)
{
	const char *home = getenv("HOME");
	char *cwd, *out;

	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0') &&
	    home != NULL && home[0] == '/')
		return text_path_resolve(home, path[1] ? path + 2 : "");
	if (path[0] == '/')
		return text_path_resolve("/", path);
	if ((cwd = getcwd(NULL, 0)) == NULL)
		return NULL;
	out = text_path_resolve(cwd, path);
	free(cwd);
	return out;
}

/* Where a glob's fixed part ends: the folder before its first pattern. */
static void
cut_at_pattern(char *abs)
{
	char *g = strpbrk(abs, "*?[{"), *slash;

	if (g == NULL)
		return;
	*g = '\0';
	slash = strrchr(abs, '/');
	slash[slash == abs ? 1 : 0] = '\0';
}

/* The name of abs under root: "." for root, NULL when not under it. */
static const char *
under(const char *root, const char *abs)
{
	size_t n = strlen(root);

	if (strcmp(root, "/") == 0)
		return abs[1] ? abs + 1 : ".";
	if (strncmp(abs, root, n) != 0)
		return NULL;
	if (abs[n] == '\0')
		return ".";
	return abs[n] == '/' ? abs + n + 1 : NULL;
}

char *
pages_root(const char *root, char *const *paths, size_t n)
{
	char *common = NULL;

	if (root != NULL && root[0] != '\0')
		return absolute(root);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		char *dir;
		size_t k, end = 0;

		if (paths[i] == NULL || paths[i][0] == '\0')
			continue;
		if ((dir = absolute(paths[i])) == NULL)
			goto oom;
		if (has_glob_chars(paths[i]) && stat(dir, &st) < 0)
			cut_at_pattern(dir);
		else if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode) &&
		    strcmp(dir, "/") != 0)
			*(strrchr(dir, '/') == dir ? dir + 1 :
			    strrchr(dir, '/')) = '\0';
		if (common == NULL) {
			common = dir;
			continue;
		}
		/* The longest run of whole components both share. */
		for (k = 0;; k++) {
			if ((common[k] == '/' || common[k] == '\0') &&
			    (dir[k] == '/' || dir[k] == '\0'))
				end = k;
			if (common[k] == '\0' || common[k] != dir[k])
				break;
		}
		common[end == 0 ? 1 : end] = '\0';
		free(dir);
	}
	return common ? common : absolute(".");
oom:
	free(common);
	return NULL;
}

char *
pages_name(const char *root, const char *path)
{
	char *abs = absolute(path), *proot = NULL, *pdir = NULL, *out = NULL;
	const char *rel, *base;

	if (abs == NULL)
		return NULL;
	if ((rel = under(root, abs)) != NULL) {
		out = strdup(rel);
		goto done;
	}
	/* The same folders reached through a symbolic link. */
	base = strrchr(abs, '/');
	if (base != abs) {
		char *dir = strndup(abs, (size_t)(base - abs));

		if (dir != NULL) {
			proot = realpath(root, NULL);
			pdir = realpath(dir, NULL);
			free(dir);
		}
	}
	if (proot != NULL && pdir != NULL) {
		char *phys = NULL;

		if (asprintf(&phys, "%s%s", strcmp(pdir, "/") == 0 ? "" : pdir,
		    base) >= 0) {
			if ((rel = under(proot, phys)) != NULL)
				out = strdup(rel);
			free(phys);
			if (out != NULL)
				goto done;
		}
	}
	out = strdup(abs);
done:
	free(proot);
	free(pdir);
	free(abs);
	return out;
}

bool
pages_covered(const char *root, char *const *paths, size_t n,
    const char *name)
{
	char *abs = name[0] == '/' ? strdup(name) : text_path_resolve(root,
	    name);
	bool covered = false;

	if (abs == NULL)
		return true;	/* when in doubt, keep the page's flags */
	for (size_t i = 0; i < n && !covered; i++) {
		char *p;

		if (paths[i] == NULL || paths[i][0] == '\0' ||
		    (p = absolute(paths[i])) == NULL)
			continue;
		if (has_glob_chars(paths[i])) {
			/* The page, or a folder above it the glob walked. */
			char *q = strdup(abs);

			for (char *slash; q != NULL && !covered;) {
				covered = fnmatch(p, q, FNM_PATHNAME) == 0;
				if ((slash = strrchr(q, '/')) == NULL ||
				    slash == q)
					break;
				*slash = '\0';
			}
			free(q);
		} else {
			covered = under(p, abs) != NULL;
		}
		free(p);
	}
	free(abs);
	return covered;
}

bool
pages_matches(const char *path)
{
	struct stat st;
	glob_t g;
	bool any;

	if (path == NULL || path[0] == '\0')
		return false;
	if (stat(path, &st) == 0 || !has_glob_chars(path))
		return stat(path, &st) == 0;
	memset(&g, 0, sizeof(g));
	any = glob(path, GLOB_BRACE | GLOB_TILDE, NULL, &g) == 0 &&
	    g.gl_pathc > 0;
	globfree(&g);
	return any;
}

int
pages_skips_name(struct pages_skips *skips, const char *root)
{
	for (size_t i = 0; i < skips->n; i++) {
		char *name = pages_name(root, skips->v[i].path);

		if (name == NULL)
			return -1;
		free(skips->v[i].path);
		skips->v[i].path = name;
	}
	if (skips->n > 1)
		qsort(skips->v, skips->n, sizeof(*skips->v), cmp_skip);
	return 0;
}
