/*
 * pages.h - find and read the knowledge-base pages: files, folders
 * (recursive: .md, .markdown, .txt) and globs.  Binary, unreadable or
 * oversized files are skipped with a warning naming them.  Each page is
 * handed to a callback, one at a time, so memory holds one page at most.
 * Pages are known by their names under a root folder (pages_name).
 */
#ifndef CTMIRROR_PAGES_H
#define CTMIRROR_PAGES_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Called per page in a stable (sorted) order.  `path` and `text` are
 * borrowed for the call; text is NUL-terminated (len excludes the NUL).
 * Return 0 to go on, -1 to stop the walk.
 */
typedef int (*pages_fn)(void *arg, const char *path, const char *text,
    size_t len);

/*
 * What a walk could not read.  The pages it covers are neither judged nor
 * gone: their stored claims and flags must stay as they are.
 */
enum pages_skip_kind {
	PAGES_SKIP_FILE,	/* this file */
	PAGES_SKIP_FOLDER,	/* every page under this folder */
	PAGES_SKIP_ANY,		/* this path, whichever it was */
};

struct pages_skip {
	char *path;
	enum pages_skip_kind kind;
	char *why;		/* "binary (...)", "cannot be listed: ..." */
};

struct pages_skips {
	struct pages_skip *v;	/* sorted by path once the walk is done */
	size_t n, cap;
	/*
	 * Set by the caller: record the skips without warning, for a walk
	 * that a later walk of the same paths repeats (and warns about).
	 */
	bool quiet;
};

/*
 * Walk `paths` (borrowed).  A path that matches nothing, or a folder with
 * no pages, is a warning.  Folder walks skip dot-files and dot-folders and
 * match extensions case-insensitively; a literal file name wins over glob
 * reading; FIFOs and other non-regular files are skipped unopened; a file
 * reached twice (named twice, hard link, symlink) is delivered once.  A
 * page that changes while it is read is read again, and skipped if it
 * will not hold still.  max_size 0 means no cap.  Returns the number of
 * pages delivered, or -1 if the callback stopped it or memory ran out.
 * `skips` (may be NULL; else zeroed by the caller, freed with
 * pages_skips_finish) receives every file and folder skipped with a
 * warning, and every folder named in `paths` that no longer exists (a
 * share that is not mounted is not a knowledge base that was deleted).
 */
long pages_scan(char *const *paths, size_t n, size_t max_size, pages_fn fn,
    void *arg, struct pages_skips *skips);

/*
 * The reason `path` (a page path as pages_scan delivers them) was not
 * read, when a skip covers it (the file itself, or a folder above it);
 * else NULL.  Borrowed from skips.
 */
const char *pages_skipped(const struct pages_skips *skips, const char *path);

void pages_skips_finish(struct pages_skips *skips);

/*
 * A page is known by its name: its path relative to a root folder, so the
 * same file reached by a relative and an absolute path is one page, and a
 * checkout moved elsewhere (with its root) keeps its pages.
 *
 * The root, absolute: `root` when set (relative to the working folder),
 * else the common parent folder of paths[0..n) (a folder is its own, a
 * file or a glob its folder's; a path that is not there counts as a
 * folder).  New; NULL on no memory or when the working folder is gone.
 */
char *pages_root(const char *root, char *const *paths, size_t n);

/*
 * The name of the page at `path` (as pages_scan delivers it, relative to
 * the working folder or absolute): relative to `root` ("." for the root
 * itself), or the absolute path when it is outside.  By the text first;
 * then with links resolved in both, so a root reached through a symbolic
 * link still names the pages under it.  New, or NULL on no memory.
 */
char *pages_name(const char *root, const char *path);

/*
 * Does a walk of paths[0..n) look where the page called `name` (under
 * `root`) would be: under a folder of paths, a file of paths, or matched
 * by a glob of paths (or in a folder it matches)?  A stored page that is
 * not read and not covered was not looked for: it is not gone.
 */
bool pages_covered(const char *root, char *const *paths, size_t n,
    const char *name);

/*
 * Does `path` (a file, a folder or a glob, as [pages] paths takes them)
 * name anything that is there?  A glob must match something.
 */
bool pages_matches(const char *path);

/* Every skip's path as its name under root (pages_name), sorted.  0 / -1. */
int pages_skips_name(struct pages_skips *skips, const char *root);

#endif
