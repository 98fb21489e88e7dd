/*
 * jsonscan.h - PURE: check and cut JSON text without building a tree.
 *
 * A registry answer of 100 full records is ~20 MB of JSON and ~75 MB as a
 * jansson tree, and most of a record with results is its resultsSection,
 * which ctmirror stores but never reads.  This scanner validates JSON as
 * RFC 8259 defines it (strings, escapes, UTF-8, numbers, literals,
 * nesting), and as PostgreSQL's jsonb accepts it (no \u0000, no lone
 * surrogate), and hands out where values lie, so an answer can be cut
 * into records and a record into its top-level members, and only the
 * members that are read need a tree.  It does not look for duplicate
 * member names below the level it cuts; jansson does where a tree is
 * built.  No allocation but the slice arrays, no I/O.
 */
#ifndef CTMIRROR_JSONSCAN_H
#define CTMIRROR_JSONSCAN_H

#include <stdbool.h>
#include <stddef.h>

/* Nesting deeper than this is refused: jansson's own limit. */
#define JSONSCAN_MAX_DEPTH 2048

/* Bytes s[0..len) inside a text (borrowed). */
struct jsonscan_slice {
	const char *s;
	size_t len;
};

/* One member of an object: its name (without the quotes, escapes left as
 * written) and its value's text. */
struct jsonscan_member {
	struct jsonscan_slice name;
	struct jsonscan_slice value;
};

/*
 * Check that text[0..len) is exactly one valid JSON object (white space
 * around it allowed) and list its members in order: *out (new array,
 * free(); NULL when there are none) and *n.  A name given twice is
 * refused.  Returns NULL, or why not (a static string: "truncated",
 * "invalid UTF-8", "nested too deeply", ...); then *out is NULL and *n 0.
 */
const char *jsonscan_members(const char *text, size_t len,
    struct jsonscan_member **out, size_t *n);

/*
 * Cut member `name` of the object text[0..len), which must be an array,
 * into its elements: *out / *n as above; "the array is missing" when it
 * is not there.  For speed this checks only the structure the cut needs
 * (quotes, escapes, brackets, separators, one object, no name twice at
 * its top): each element is meant to be read with jsonscan_members (or
 * a parser) next, which checks it in full.
 */
const char *jsonscan_array(const char *text, size_t len, const char *name,
    struct jsonscan_slice **out, size_t *n);

/* Check that text[0..len) is one valid JSON object.  NULL, or why not. */
const char *jsonscan_object(const char *text, size_t len);

/* The member called `name` in members[0..n), or NULL. */
const struct jsonscan_member *jsonscan_find(
    const struct jsonscan_member *members, size_t n, const char *name);

/*
 * The first member called `name` anywhere in text[0..len) whose value is
 * a string without escapes: its value into out (NUL-terminated, at most
 * size - 1 bytes).  false when there is none or it does not fit.  Quick,
 * and meant for text already checked: a name inside a string value cannot
 * match, because JSON escapes the quotes there.
 */
bool jsonscan_string_member(const char *text, size_t len, const char *name,
    char *out, size_t size);

#endif
