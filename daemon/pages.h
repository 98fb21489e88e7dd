/*
 * pages.h - find and read the knowledge-base pages: files, folders
 * (recursive: .md, .markdown, .txt) and globs.  Binary, unreadable or
 * oversized files are skipped with a warning naming them.  Each page is
 * handed to a callback, one at a time, so memory holds one page at most.
 */
#ifndef CTMIRROR_PAGES_H
#define CTMIRROR_PAGES_H

#include <stddef.h>

/*
 * Called per page in a stable (sorted) order.  `path` and `text` are
 * borrowed for the call; text is NUL-terminated (len excludes the NUL).
 * Return 0 to go on, -1 to stop the walk.
 */
typedef int (*pages_fn)(void *arg, const char *path, const char *text,
    size_t len);

/*
 * Walk `paths` (borrowed).  A path that matches nothing, or a folder with
 * no pages, is a warning.  Folder walks skip dot-files and dot-folders and
 * match extensions case-insensitively; a literal file name wins over glob
 * reading; FIFOs and other non-regular files are skipped unopened; a file
 * reached twice (named twice, hard link, symlink) is delivered once.
 * max_size 0 means no cap.  Returns the number of pages delivered, or -1
 * if the callback stopped it or memory ran out.  *skipped (may be NULL)
 * counts the files skipped with a warning.
 */
long pages_scan(char *const *paths, size_t n, size_t max_size, pages_fn fn,
    void *arg, unsigned *skipped);

#endif
