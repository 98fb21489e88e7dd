/*
 * site.c - the report's folder (written fresh, swapped in whole) and the
 * frame every page of it shares: head, navigation, footer, pager, badges
 * and the one style sheet.
 */
#include "site.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text.h"
#include "log.h"

/* Every report holds it: the one proof that a folder may be replaced. */
#define MARKER ".ctmirror-report"

struct site {
	char *dir;		/* where the report is published */
	char *fresh;		/* the tree being written: dir.new.PID */
	bool published;
	unsigned files;
	unsigned long long bytes;
	char err[1024];
};

/* The one style sheet, style.css, a line a string (C11 caps literals). */
static const char *const style[] = {
	"/* ctmirror report: one style sheet for every page, screen and print. */\n",
	":root { color-scheme: light; --fg: #1f2328; --muted: #57606a; --line: #d0d7de;\n",
	"  --soft: #f6f8fa; --ink: #0f2a44; --link: #0b57d0; --stale: #b42318;\n",
	"  --stale-bg: #fef3f2; --recheck: #93470a; --recheck-bg: #fffaeb;\n",
	"  --ok: #1a7f37; --ok-bg: #ecfdf3; }\n",
	"* { box-sizing: border-box; }\n",
	"html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }\n",
	"body { margin: 0; color: var(--fg); background: #fff;\n",
	"  font: 16px/1.5 system-ui, -apple-system, \"Segoe UI\", Roboto, \"DejaVu Sans\", sans-serif; }\n",
	"a { color: var(--link); }\n",
	"a:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }\n",
	".skip { position: absolute; left: -9999px; }\n",
	".skip:focus { left: 1rem; top: .5rem; z-index: 1; background: #fff; padding: .4rem .8rem; }\n",
	"header.top { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem 2rem;\n",
	"  padding: .7rem max(1.25rem, calc((100% - 72rem) / 2 + 1.25rem)); background: var(--ink); color: #fff; }\n",
	"header.top a { color: #fff; text-decoration: none; }\n",
	".brand { margin: 0; font-weight: 700; letter-spacing: .02em; }\n",
	"header.top ul { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; list-style: none; margin: 0; padding: 0; }\n",
	"header.top nav a { display: inline-block; padding: .1rem 0; border-bottom: 2px solid transparent; }\n",
	"header.top nav a:hover, header.top nav a[aria-current] { border-bottom-color: #fff; }\n",
	"main { max-width: 72rem; margin: 0 auto; padding: .5rem 1.25rem 2rem; overflow-wrap: anywhere; }\n",
	"h1 { font-size: 1.8rem; line-height: 1.25; margin: 1rem 0 .4rem; overflow-wrap: anywhere; }\n",
	"h1 small { font-size: 1rem; font-weight: 400; color: var(--muted); }\n",
	"h1 .nct { color: var(--muted); font-weight: 600; }\n",
	"h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; overflow-wrap: anywhere; }\n",
	".lede { font-size: 1.1rem; margin: .25rem 0 1rem; }\n",
	".subtitle { font-size: 1.1rem; margin: 0 0 1rem; }\n",
	".facts { list-style: none; display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .6rem 1.25rem;\n",
	"  margin: 1rem 0 1.5rem; padding: .8rem 1rem; background: var(--soft); border: 1px solid var(--line); border-radius: 10px; }\n",
	".facts li { min-width: 0; }\n",
	".facts .k { display: block; font-size: .75rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }\n",
	".facts .v { display: block; margin-top: .1rem; font-weight: 600; overflow-wrap: anywhere; }\n",
	".badge { display: inline-block; padding: 0 .55rem; border-radius: 999px; border: 1px solid transparent;\n",
	"  font-size: .8rem; font-weight: 650; line-height: 1.6; white-space: nowrap; }\n",
	".badge.stale { background: var(--stale-bg); color: var(--stale); border-color: #fecdca; }\n",
	".badge.recheck { background: var(--recheck-bg); color: var(--recheck); border-color: #fedf89; }\n",
	".badge.ok { background: var(--ok-bg); color: var(--ok); border-color: #abefc6; }\n",
	".c-stale { color: var(--stale); }\n",
	".c-recheck { color: var(--recheck); }\n",
	"table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .95rem; }\n",
	"caption { text-align: left; font-weight: 650; padding: .25rem 0 .4rem; }\n",
	"th, td { text-align: left; vertical-align: top; padding: .45rem .6rem; border-bottom: 1px solid var(--line);\n",
	"  overflow-wrap: break-word; }\n",
	"thead th { font-size: .75rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted);\n",
	"  border-bottom: 2px solid var(--line); white-space: nowrap; }\n",
	"tbody th { font-weight: 600; }\n",
	".num { text-align: right; font-variant-numeric: tabular-nums; }\n",
	"table.rules { max-width: 42rem; }\n",
	".wide { overflow-x: auto; }\n",
	"tr.stale > td:first-child { box-shadow: inset 4px 0 var(--stale); }\n",
	"tr.recheck > td:first-child { box-shadow: inset 4px 0 #dc8a0e; }\n",
	"section.group { margin: 1.5rem 0; border: 1px solid var(--line); border-radius: 12px; overflow: hidden; }\n",
	"section.group h2 { display: inline-block; margin: 0; padding: .8rem 1rem .2rem; font-size: 1.1rem; }\n",
	"section.group .counts { margin: 0; padding: 0 1rem .6rem; border-bottom: 1px solid var(--line); background: none; }\n",
	"section.group > h2, section.group > .counts { background: var(--soft); }\n",
	"section.group > h2 { display: block; }\n",
	"ol.flags { list-style: none; margin: 0; padding: 0; }\n",
	"li.flag { padding: .8rem 1rem .8rem 1.1rem; border-top: 1px solid var(--line); border-left: 5px solid #dc8a0e; }\n",
	"li.flag:first-child { border-top: 0; }\n",
	"li.flag.stale { border-left-color: var(--stale); }\n",
	".fh { margin: 0 0 .4rem; display: flex; flex-wrap: wrap; gap: .2rem .65rem; align-items: baseline; }\n",
	".rule, .nct, code { font-family: ui-monospace, \"DejaVu Sans Mono\", monospace; }\n",
	".rule { font-size: .9rem; }\n",
	".kind, .asof { color: var(--muted); font-size: .9rem; }\n",
	".acr { font-weight: 650; }\n",
	"blockquote.claim { margin: .3rem 0; padding: .4rem .8rem; border-left: 3px solid var(--line);\n",
	"  background: #fafbfc; overflow-wrap: anywhere; }\n",
	"blockquote.claim p { margin: 0; }\n",
	"mark { background: #fff0a0; color: inherit; padding: 0 .1em; border-radius: 2px; }\n",
	".evidence { margin: .4rem 0; overflow-wrap: anywhere; }\n",
	".meta { margin: .3rem 0 0; font-size: .85rem; color: var(--muted); }\n",
	"code { font-size: .85em; background: var(--soft); padding: .05em .3em; border-radius: 4px; overflow-wrap: anywhere; }\n",
	"td.text { overflow-wrap: anywhere; }\n",
	"td.d { white-space: nowrap; }\n",
	"ul.verdicts { margin: 0; padding: 0; list-style: none; }\n",
	"ul.verdicts li { margin: 0 0 .35rem; overflow-wrap: anywhere; }\n",
	".est-t { color: var(--muted); font-size: .8rem; }\n",
	".pager ul { display: flex; flex-wrap: wrap; gap: .35rem; list-style: none; padding: 0; margin: 1rem 0; }\n",
	".pager a { display: inline-block; min-width: 2.2rem; text-align: center; padding: .2rem .6rem;\n",
	"  border: 1px solid var(--line); border-radius: 6px; text-decoration: none; }\n",
	".pager a[aria-current] { background: var(--ink); border-color: var(--ink); color: #fff; }\n",
	"figure { margin: 0; }\n",
	".tl { overflow-x: auto; border: 1px solid var(--line); border-radius: 12px; padding: .5rem .25rem; }\n",
	"figcaption { font-size: .85rem; color: var(--muted); margin: .5rem 0 0; }\n",
	"ul.legend { display: flex; flex-wrap: wrap; gap: .3rem 1.1rem; list-style: none; padding: 0;\n",
	"  margin: .6rem 0 0; font-size: .85rem; }\n",
	"ul.legend svg { width: 14px; height: 14px; vertical-align: -2px; margin-right: .35rem; }\n",
	"footer { max-width: 72rem; margin: 0 auto; padding: 1rem 1.25rem 2rem; font-size: .85rem;\n",
	"  color: var(--muted); border-top: 1px solid var(--line); }\n",
	"/* Status colours: white text on each passes WCAG AA (4.5:1). */\n",
	".st-notyet { --c: #64748b; } .st-recruiting { --c: #15803d; } .st-invitation { --c: #0f766e; }\n",
	".st-active { --c: #1d4ed8; } .st-completed { --c: #4338ca; } .st-suspended { --c: #b45309; }\n",
	".st-terminated { --c: #b91c1c; } .st-withdrawn { --c: #7f1d1d; } .st-unknown { --c: #cbd5e1; }\n",
	".badge[class*=\"st-\"] { background: var(--c); color: #fff; }\n",
	".badge.st-unknown { color: var(--fg); }\n",
	"/* The timeline (inline SVG). */\n",
	"svg.timeline { display: block; width: 100%; min-width: 44rem; height: auto;\n",
	"  font-family: system-ui, \"DejaVu Sans\", sans-serif; }\n",
	"svg .span { fill: var(--c); stroke: #fff; stroke-width: 1; }\n",
	"svg .sl { fill: #fff; font-size: 12px; font-weight: 650; }\n",
	"svg .sl.st-unknown { fill: var(--fg); }\n",
	"svg .unseen { fill: url(#hatch); stroke: var(--line); }\n",
	"svg .hatchbg { fill: #f6f8fa; }\n",
	"svg .hatch { stroke: #dde3ea; stroke-width: 2; }\n",
	"svg .ul { fill: var(--muted); font-size: 11px; font-style: italic; }\n",
	"svg .rl { fill: var(--muted); font-size: 11.5px; font-weight: 650; }\n",
	"svg .axis { stroke: #8c959f; }\n",
	"svg .grid { stroke: #eef1f4; }\n",
	"svg .guide { stroke: #e6eaef; stroke-dasharray: 1 3; }\n",
	"svg .tick { fill: var(--muted); font-size: 11px; text-anchor: middle; }\n",
	"svg .today { stroke: var(--stale); stroke-width: 1.5; stroke-dasharray: 4 3; }\n",
	"svg .todayl { fill: var(--stale); font-size: 10px; font-weight: 650; text-anchor: middle; }\n",
	"svg .mk { stroke-width: 2; }\n",
	"svg .mk.act { fill: var(--ink); stroke: var(--ink); }\n",
	"svg .mk.est { fill: #fff; stroke: var(--ink); }\n",
	"svg .mk.old { fill: #fff; stroke: #9aa5b1; stroke-width: 1.5; stroke-dasharray: 2 2; }\n",
	"svg .moved { stroke: #9aa5b1; stroke-width: 1.5; stroke-dasharray: 4 3; }\n",
	"svg .mk.sub { fill: #fff; stroke: #b45309; }\n",
	"svg .mk.post { fill: #15803d; stroke: #15803d; }\n",
	"svg .mk.pub { fill: #6d28d9; stroke: #6d28d9; }\n",
	"svg .mk.v-stale { fill: var(--stale); stroke: #fff; }\n",
	"svg .mk.v-recheck { fill: #b54708; stroke: #fff; }\n",
	"svg .mk.v-ok { fill: var(--ok); stroke: #fff; }\n",
	"svg .glyph { fill: #fff; font-size: 10px; font-weight: 700; text-anchor: middle; pointer-events: none; }\n",
	"svg .ml, svg .more { fill: var(--muted); font-size: 10.5px; text-anchor: middle; }\n",
	"svg a:hover .mk, svg a:focus .mk { stroke: #000; }\n",
	"ul.legend .mk.v-stale, ul.legend .mk.v-recheck, ul.legend .mk.v-ok { stroke: none; }\n",
	"ul.legend .mk.v-stale { fill: var(--stale); } ul.legend .mk.v-recheck { fill: #b54708; }\n",
	"ul.legend .mk.v-ok { fill: var(--ok); } ul.legend .mk.act { fill: var(--ink); stroke: var(--ink); }\n",
	"ul.legend .mk.est { fill: #fff; stroke: var(--ink); stroke-width: 2; }\n",
	"ul.legend .mk.sub { fill: #fff; stroke: #b45309; stroke-width: 2; }\n",
	"ul.legend .mk.post { fill: #15803d; } ul.legend .mk.pub { fill: #6d28d9; }\n",
	"/* Phones: tables of claims become cards. */\n",
	"@media (max-width: 40rem) {\n",
	"  main { padding: .25rem .8rem 1.5rem; }\n",
	"  h1 { font-size: 1.45rem; }\n",
	"  header.top { padding: .6rem .8rem; }\n",
	"  table.claims thead { position: absolute; left: -9999px; }\n",
	"  table.claims tr, table.claims td { display: block; }\n",
	"  table.claims tr { border-bottom: 1px solid var(--line); padding: .4rem 0; }\n",
	"  table.claims td { border: 0; padding: .15rem .4rem; text-align: left; }\n",
	"  li.flag { padding-left: .8rem; padding-right: .8rem; }\n",
	"}\n",
	"@media print {\n",
	"  body { font-size: 10.5pt; }\n",
	"  header.top { background: none; color: #000; padding: 0 0 .3rem; border-bottom: 1px solid #000; }\n",
	"  header.top a { color: #000; }\n",
	"  header.top nav, .skip, .pager { display: none; }\n",
	"  main, footer { max-width: none; padding-left: 0; padding-right: 0; }\n",
	"  a { color: inherit; text-decoration: none; }\n",
	"  section.group, li.flag, tr, figure { break-inside: avoid; }\n",
	"  .tl { overflow: visible; border: 0; padding: 0; }\n",
	"  svg.timeline { min-width: 0; }\n",
	"  .badge { border-color: currentColor; }\n",
	"}\n",
	NULL,
};

int
site_fail(struct site *s, const char *fmt, ...)
{
	va_list ap;

	if (s->err[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(s->err, sizeof(s->err), fmt, ap);
		va_end(ap);
	}
	return -1;
}

const char *
site_error(const struct site *s)
{
	return s->err;
}

unsigned
site_files(const struct site *s)
{
	return s->files;
}

unsigned long long
site_bytes(const struct site *s)
{
	return s->bytes;
}

bool
site_safe_id(const char *id)
{
	return id != NULL && text_nct_id(id);
}

/* ------------------------------------------------------------- the tree */

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

/* Remove a tree this module wrote.  0 / -1 (errno). */
static int
rm_tree(const char *path)
{
	return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static bool
is_report(const char *dir)
{
	char marker[4096];

	if (snprintf(marker, sizeof(marker), "%s/" MARKER, dir) >=
	    (int)sizeof(marker))
		return false;
	return access(marker, F_OK) == 0;
}

static bool
is_empty_dir(const char *dir)
{
	struct dirent *e;
	bool empty = true;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return false;
	while (empty && (e = readdir(d)) != NULL)
		empty = strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0;
	closedir(d);
	return empty;
}

/*
 * Leftovers of a report killed half-written (dir.new.PID) or half-swapped
 * (dir.old.PID), recognised by their marker: removed.
 */
static void
sweep(const char *dir)
{
	char *copy = strdup(dir), *copy2 = strdup(dir), path[4096];
	const char *parent, *base;
	struct dirent *e;
	size_t blen;
	DIR *d;

	if (copy == NULL || copy2 == NULL)
		goto out;
	parent = dirname(copy);
	base = basename(copy2);
	blen = strlen(base);
	if ((d = opendir(parent)) == NULL)
		goto out;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, base, blen) != 0 ||
		    (strncmp(e->d_name + blen, ".new.", 5) != 0 &&
		    strncmp(e->d_name + blen, ".old.", 5) != 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", parent, e->d_name);
		if (is_report(path) && rm_tree(path) < 0)
			log_warn("report: cannot remove %s", path);
	}
	closedir(d);
out:
	free(copy);
	free(copy2);
}

static int
write_whole(struct site *s, const char *name, const char *text)
{
	struct html *h = site_open(s, "%s", name);

	if (h == NULL)
		return -1;
	html_raw(h, text);
	return site_close(s, h, name);
}

static int
write_style(struct site *s)
{
	struct html *h = site_open(s, "style.css");

	if (h == NULL)
		return -1;
	for (size_t i = 0; style[i] != NULL; i++)
		html_raw(h, style[i]);
	return site_close(s, h, "style.css");
}

struct site *
site_new(const char *dir, char *err, size_t errsz)
{
	struct site *s = calloc(1, sizeof(*s));
	char sub[4200];

	if (s == NULL || (s->dir = strdup(dir)) == NULL ||
	    asprintf(&s->fresh, "%s.new.%ld", dir, (long)getpid()) < 0) {
		snprintf(err, errsz, "out of memory");
		if (s)
			free(s->dir);
		free(s);
		return NULL;
	}
	if (strlen(s->fresh) + 64 > sizeof(sub)) {
		site_fail(s, "%s: path too long", dir);
		goto fail;
	}
	sweep(dir);
	if (mkdir(s->fresh, 0755) < 0) {
		site_fail(s, "cannot create %s: %s", s->fresh, strerror(errno));
		free(s->fresh);
		s->fresh = NULL;
		goto fail;
	}
	snprintf(sub, sizeof(sub), "%s/trial", s->fresh);
	if (mkdir(sub, 0755) < 0) {
		site_fail(s, "cannot create %s: %s", sub, strerror(errno));
		goto fail;
	}
	snprintf(sub, sizeof(sub), "%s/page", s->fresh);
	if (mkdir(sub, 0755) < 0) {
		site_fail(s, "cannot create %s: %s", sub, strerror(errno));
		goto fail;
	}
	if (write_whole(s, MARKER, "This folder is a report written by "
	    "ctmirror; each refresh replaces it whole.\n") < 0 ||
	    write_style(s) < 0)
		goto fail;
	return s;
fail:
	snprintf(err, errsz, "%s", s->err);
	site_free(s);
	return NULL;
}

void
site_free(struct site *s)
{
	if (s == NULL)
		return;
	if (s->fresh && !s->published && rm_tree(s->fresh) < 0)
		log_warn("report: cannot remove %s", s->fresh);
	free(s->fresh);
	free(s->dir);
	free(s);
}

struct html *
site_open(struct site *s, const char *fmt, ...)
{
	char name[512], path[4800];
	struct html *h;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/%s", s->fresh, name);
	if ((h = html_open(path)) == NULL)
		site_fail(s, "%s: %s", path, strerror(errno));
	return h;
}

int
site_close(struct site *s, struct html *h, const char *name)
{
	size_t n = html_size(h);

	if (html_close(h) < 0)
		return site_fail(s, "%s/%s: %s", s->fresh, name,
		    strerror(errno));
	s->files++;
	s->bytes += n;
	return 0;
}

int
site_publish(struct site *s)
{
	char old[4200];
	struct stat st;
	int e;

	if (stat(s->dir, &st) < 0) {
		if (errno != ENOENT)
			return site_fail(s, "%s: %s", s->dir, strerror(errno));
	} else if (!S_ISDIR(st.st_mode)) {
		return site_fail(s, "%s exists and is not a folder", s->dir);
	} else if (is_empty_dir(s->dir)) {
		if (rmdir(s->dir) < 0)
			return site_fail(s, "cannot replace the empty folder "
			    "%s: %s", s->dir, strerror(errno));
	} else if (!is_report(s->dir)) {
		return site_fail(s, "%s exists and is not a ctmirror report "
		    "(it has no %s): refusing to replace it", s->dir, MARKER);
	} else if (renameat2(AT_FDCWD, s->fresh, AT_FDCWD, s->dir,
	    RENAME_EXCHANGE) == 0) {
		/* The old report now sits at s->fresh. */
		s->published = true;
		if (rm_tree(s->fresh) < 0)
			log_warn("report: cannot remove the old report %s",
			    s->fresh);
		return 0;
	} else if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) {
		return site_fail(s, "cannot swap the new report in for %s: %s",
		    s->dir, strerror(errno));
	} else {
		/* No exchange on this file system: two renames. */
		snprintf(old, sizeof(old), "%s.old.%ld", s->dir, (long)getpid());
		if (rename(s->dir, old) < 0)
			return site_fail(s, "cannot move %s aside: %s", s->dir,
			    strerror(errno));
		if (rename(s->fresh, s->dir) < 0) {
			e = errno;
			if (rename(old, s->dir) < 0)
				log_warn("report: cannot put %s back", s->dir);
			return site_fail(s, "cannot rename %s to %s: %s",
			    s->fresh, s->dir, strerror(e));
		}
		s->published = true;
		if (rm_tree(old) < 0)
			log_warn("report: cannot remove the old report %s", old);
		return 0;
	}
	if (rename(s->fresh, s->dir) < 0)
		return site_fail(s, "cannot rename %s to %s: %s", s->fresh,
		    s->dir, strerror(errno));
	s->published = true;
	return 0;
}

/* ------------------------------------------------------------ the frame */

void
site_page_begin(struct html *h, const char *up, const char *title,
    enum site_nav cur)
{
	static const char *const names[] = {"Open flags", "Pages", "Trials"};
	static const char *const files[] = {"index.html", "pages.html",
	    "trials.html"};

	html_raw(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    /* Belt and braces: nothing runs even if an escape were missed. */
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'self'; img-src 'self'\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
	html_textn(h, title, 200);
	html_printf(h, " \xe2\x80\x93 ctmirror report</title>\n"
	    "<link rel=\"stylesheet\" href=\"%sstyle.css\">\n</head>\n<body>\n"
	    "<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
	    "<header class=\"top\"><p class=\"brand\"><a href=\"%sindex.html\">"
	    "ctmirror report</a></p>\n<nav aria-label=\"Report\"><ul>", up, up);
	for (int i = 0; i < 3; i++)
		html_printf(h, "<li><a href=\"%s%s\"%s>%s</a></li>", up,
		    files[i], (int)cur == i ? " aria-current=\"page\"" : "",
		    names[i]);
	html_raw(h, "</ul></nav></header>\n<main id=\"main\">\n");
}

void
site_page_end(struct html *h, const char *note)
{
	html_raw(h, "</main>\n<footer><p>");
	html_text(h, note);
	html_raw(h, " Page and registry text is shown as written; nothing "
	    "here runs code.</p></footer>\n</body>\n</html>\n");
}

void
site_list_name(char *buf, size_t size, const char *prefix, unsigned k)
{
	if (k <= 1)
		snprintf(buf, size, "%s.html", prefix);
	else
		snprintf(buf, size, "%s-%u.html", prefix, k);
}

void
site_pager(struct html *h, const char *prefix, unsigned k, unsigned total,
    const char *label)
{
	char name[64];

	if (total <= 1)
		return;
	html_printf(h, "<nav class=\"pager\" aria-label=\"%s\"><ul>", label);
	if (k > 1) {
		site_list_name(name, sizeof(name), prefix, k - 1);
		html_printf(h, "<li><a rel=\"prev\" href=\"%s\">\xe2\x80\xb9 "
		    "previous</a></li>", name);
	}
	for (unsigned i = 1; i <= total; i++) {
		/* The first, the last and three either side of k; "…" between. */
		if (i != 1 && i != total && (i + 3 < k || i > k + 3)) {
			if (i == 2 || i == total - 1)
				html_raw(h, "<li>\xe2\x80\xa6</li>");
			continue;
		}
		site_list_name(name, sizeof(name), prefix, i);
		html_printf(h, "<li><a href=\"%s\"%s>%u</a></li>", name,
		    i == k ? " aria-current=\"page\"" : "", i);
	}
	if (k < total) {
		site_list_name(name, sizeof(name), prefix, k + 1);
		html_printf(h, "<li><a rel=\"next\" href=\"%s\">next "
		    "\xe2\x80\xba</a></li>", name);
	}
	html_raw(h, "</ul></nav>\n");
}

const char *
site_severity(const char *severity)
{
	return strcmp(severity, "stale") == 0 ? "stale" :
	    strcmp(severity, "recheck") == 0 ? "recheck" : "ok";
}

void
site_badge(struct html *h, const char *cls, const char *text)
{
	html_printf(h, "<span class=\"badge %s\">", cls);
	html_text(h, text);
	html_raw(h, "</span>");
}

void
site_count(struct html *h, unsigned n, const char *one, const char *many)
{
	html_printf(h, "%u %s", n, n == 1 ? one : many);
}
