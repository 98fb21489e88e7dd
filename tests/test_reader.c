/*
 * test_reader.c - pages read as their readers see them: the blocks
 * reader_read() makes of Markdown, HTML and plain text, what it leaves
 * out (comments, code, struck text, link targets, attributes), entities
 * decoded, wrapped lines joined, table rows with their header, and the
 * source line of every block.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "reader.h"
#include "text.h"

TestSuite(reader, .timeout = 60);

/* "LINE KIND[H] text\n" per block, KIND P/H/I/R; H: a header row. */
static char *
blocks(const char *src, enum reader_format f)
{
	struct reader_doc d;
	struct text_buf b = {0};
	size_t k;

	cr_assert_eq(reader_read(src, strlen(src), f, 1, &d), 0);
	for (k = 0; k < d.n; k++) {
		const struct reader_block *v = &d.v[k];

		text_buf_printf(&b, "%d %c%s %.*s\n", v->line, "PHIR"[v->kind],
		    v->header ? "H" : "", (int)(v->e - v->s), d.text + v->s);
	}
	reader_doc_finish(&d);
	return b.s ? b.s : strdup("");
}

struct rcase {
	const char *what;
	enum reader_format f;
	const char *src, *want;
};

static const struct rcase cases[] = {
	{"a wrapped paragraph is one block, on its first line",
	    READER_MARKDOWN, "# Title\n\nHERA is still\nrecruiting.\n",
	    "1 H Title\n3 P HERA is still\nrecruiting.\n"},
	{"a list item's continuation line joins it", READER_MARKDOWN,
	    "- HERA (NCT02982915): the trial\n  is recruiting\n- next\n",
	    "1 I HERA (NCT02982915): the trial\nis recruiting\n3 I next\n"},
	{"code, struck text, comments and link targets are not read",
	    READER_MARKDOWN,
	    "A `recruiting` span, ~~old~~ new, [text](http://x/recruiting)"
	    "<!-- hidden --> end.\n\n```\ncode block\n```\n\n<!--\nrecruiting\n"
	    "-->\n",
	    "1 P A  span,  new, text end.\n"},
	{"entities are decoded", READER_MARKDOWN,
	    "results&nbsp;are&#160;pending &amp; more\n",
	    "1 P results\xc2\xa0" "are\xc2\xa0pending & more\n"},
	{"a table row knows its header", READER_MARKDOWN,
	    "| Trial | Status |\n|---|---|\n| HERA | Recruiting |\n",
	    "1 RH Trial | Status\n3 R HERA | Recruiting\n"},
	{"raw HTML in Markdown: a table, a comment", READER_MARKDOWN,
	    "Intro.\n\n<table>\n<tr><th>Trial</th><th>Status</th></tr>\n"
	    "<tr><td>HERA</td><td>Recruiting&nbsp;now</td></tr>\n</table>\n"
	    "\n<!-- <p>HERA completed</p> -->\n",
	    "1 P Intro.\n4 RH Trial | Status\n5 R HERA | Recruiting\xc2\xa0now\n"},
	{"HTML: blocks, hidden text, attributes", READER_HTML,
	    "<html><head><title>T</title></head><body>\n<h1>Board</h1>\n"
	    "<p>HERA is <span title=\"completed\">recruiting</span>.</p>\n"
	    "<p hidden>secret</p><script>x = 'recruiting'</script>\n"
	    "<ul><li>one</li>\n<li>two<br>lines</li></ul>\n"
	    "<pre>code</pre><p><s>old</s> new</p></body></html>\n",
	    "2 H Board\n3 P HERA is recruiting.\n5 I one\n6 I two\nlines\n"
	    "7 P new\n"},
	{"HTML on one line keeps line 1", READER_HTML,
	    "<p>a</p><p>b &amp; c</p>", "1 P a\n1 P b & c\n"},
	{"plain text: indented notes are prose, not code", READER_TEXT,
	    "Slide 1\n\n    Speaker notes: HERA is recruiting.\n",
	    "1 P Slide 1\n3 P Speaker notes: HERA is recruiting.\n"},
	{"plain text exported one block per line", READER_TEXT,
	    "Title of the page\nThis line is long enough to be a paragraph "
	    "of its own in a word processor's export and has plenty of "
	    "spaces in it, more than twelve for sure, so it counts, "
	    "as pages saved that way do.\n"
	    "- an item\n| A | B |\n|---|---|\n| 1 | 2 |\n",
	    "1 H Title of the page\n2 P This line is long enough to be a "
	    "paragraph of its own in a word processor's export and has "
	    "plenty of spaces in it, more than twelve for sure, so it "
	    "counts, as pages saved that way do.\n3 I - an item\n4 RH A | B\n6 R 1 | 2\n"},
};

Test(reader, cases)
{
	size_t i;
	char *got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = blocks(cases[i].src, cases[i].f);
		cr_expect_str_eq(got, cases[i].want, "%s:\ngot:\n%swant:\n%s",
		    cases[i].what, got, cases[i].want);
		free(got);
	}
}

/* Every byte of the text maps to the line it came from. */
Test(reader, lines)
{
	const char *src = "# A\n\nfirst line\nsecond &amp; line\n\n"
	    "<div>\n<p>html\nmore</p>\n</div>\n";
	struct reader_doc d;
	const char *p;

	cr_assert_eq(reader_read(src, strlen(src), READER_MARKDOWN, 5, &d),
	    0);
	p = strstr(d.text, "second");
	cr_assert_not_null(p);
	cr_expect_eq(reader_line(&d, (size_t)(p - d.text)), 8);
	p = strstr(d.text, "more");
	cr_assert_not_null(p);
	cr_expect_eq(reader_line(&d, (size_t)(p - d.text)), 12);
	reader_doc_finish(&d);
	reader_doc_finish(&d);
	reader_doc_finish(NULL);
}

Test(reader, formats)
{
	cr_expect_eq(reader_format_of("a/b.md"), READER_MARKDOWN);
	cr_expect_eq(reader_format_of("a/b.MARKDOWN"), READER_MARKDOWN);
	cr_expect_eq(reader_format_of("b.html"), READER_HTML);
	cr_expect_eq(reader_format_of("b.htm"), READER_HTML);
	cr_expect_eq(reader_format_of("b.txt"), READER_TEXT);
	cr_expect_eq(reader_format_of("a.d/b"), READER_TEXT);
	cr_expect_eq(reader_format_of(NULL), READER_TEXT);
}

Test(reader, empty)
{
	struct reader_doc d;

	cr_assert_eq(reader_read(NULL, 0, READER_HTML, 1, &d), 0);
	cr_expect_eq(d.n, 0);
	reader_doc_finish(&d);
	cr_assert_eq(reader_read("", 0, READER_MARKDOWN, 1, &d), 0);
	cr_expect_eq(d.n, 0);
	reader_doc_finish(&d);
}
