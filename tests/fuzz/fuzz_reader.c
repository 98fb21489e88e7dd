/*
 * fuzz_reader.c - libFuzzer target: arbitrary bytes as a page through
 * reader_read() in the format fuzz_format() picks (HTML for input that
 * opens with a tag, else Markdown or plain text), and the invariants of
 * what it hands the claims scanner: blocks in order inside the text,
 * cells inside their row, header rows before the rows naming them, and
 * every byte of the text mapped to a line of the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_reader: invariant broken: %s\n", what);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader_doc d;
	size_t k, c, pos, prev_e = 0, lines = 1;
	int line0 = 1 + (int)(size % 5), l;

	for (k = 0; k < size; k++)
		lines += data[k] == '\n';
	check(reader_read((const char *)data, size, harness_fuzz_format(data,
	    size), line0, &d) == 0, "reader_read");
	check(d.text != NULL && d.text[d.len] == '\0', "text NUL-terminated");
	for (k = 0; k < d.n; k++) {
		const struct reader_block *b = &d.v[k];

		check(b->s >= prev_e && b->s < b->e && b->e < d.len + 1,
		    "blocks in order, inside the text");
		check(d.text[b->e] == '\n', "a block ends before a newline");
		check(b->line >= line0 && b->line < line0 + (int)lines,
		    "block line inside the page");
		check(b->kind <= READER_ROW, "block kind");
		check(b->kind == READER_ROW || (b->ncell == 0 && !b->header),
		    "cells only in rows");
		for (c = b->cell0; c < b->cell0 + b->ncell; c++) {
			check(c < d.n_cells, "cell index");
			check(d.cells[c].s >= b->s && d.cells[c].e <= b->e &&
			    d.cells[c].s <= d.cells[c].e, "cell inside its row");
		}
		check(b->head == SIZE_MAX || (b->head < k &&
		    d.v[b->head].header), "header row before its rows");
		prev_e = b->e + 1;
	}
	for (pos = 0; pos < d.len; pos += 1 + pos / 64) {
		l = reader_line(&d, pos);
		check(l >= line0 && l < line0 + (int)lines,
		    "text maps to a line of the page");
	}
	reader_doc_finish(&d);
	check(d.text == NULL && d.n == 0, "finish empties the doc");
	return 0;
}
