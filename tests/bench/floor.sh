#!/bin/sh
# floor.sh - the floor for a first sync: the bytes ctmirror downloads, got
# with curl at the same concurrency over the same batch URLs
# (/studies?filter.ids=ID,ID,..&pageSize=B), then COPY of the raw JSON
# into an unindexed jsonb table (lz4, as ctmirror's).  No parsing, no diff,
# no history: what is left is transfer plus the database ingesting jsonb.
#
#   floor.sh --url BASE --n N [--start 0] [--batch 100] [--concurrency 4]
#            [--dsn CONNINFO] [--work DIR]
#
# Download and COPY run at the same time (each response goes into the COPY
# stream as soon as curl has it), as a pipelined client would.
# One response is one row (the batch's {"studies":[..]} document), so the
# table holds N/B rows; jsonb conversion costs the same per byte either way.
# Prints one JSON line: requests, bytes, rows, download_s (curl done),
# copy_tail_s (COPY still running after that) and seconds (the whole).
set -eu

url='' n='' start=0 batch=100 conc=4 dsn='' work=''
while [ $# -gt 0 ]; do
	case $1 in
	--url) url=$2; shift 2 ;;
	--n) n=$2; shift 2 ;;
	--start) start=$2; shift 2 ;;
	--batch) batch=$2; shift 2 ;;
	--concurrency) conc=$2; shift 2 ;;
	--dsn) dsn=$2; shift 2 ;;
	--work) work=$2; shift 2 ;;
	*) echo "floor.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
if [ -z "$url" ] || [ -z "$n" ]; then
	echo "usage: floor.sh --url BASE --n N [--start S] [--batch B]" \
	    "[--concurrency C] [--dsn CONNINFO] [--work DIR]" >&2
	exit 2
fi
own_work=''
if [ -z "$work" ]; then
	work=$(mktemp -d -t ctmirror-floor.XXXXXX)
	own_work=1
fi
mkdir -p "$work/out"
rm -f "$work"/out/b*.json
trap '[ -n "$own_work" ] && rm -rf "$work"' EXIT

now() { date +%s.%N; }

# The curl config: one url/output pair per batch, IDs joined by commas
# exactly as ctmirror's registry.c sends them.
awk -v start="$start" -v n="$n" -v b="$batch" -v base="$url" \
    -v dir="$work/out" '
BEGIN {
	k = 0
	for (i = start; i < start + n; i += b) {
		ids = ""
		for (j = i; j < i + b && j < start + n; j++)
			ids = ids (j > i ? "," : "") sprintf("NCT1%07d", j)
		printf "url = \"%s/studies?filter.ids=%s&pageSize=%d\"\n", base, ids, b
		printf "output = \"%s/b%06d.json\"\n", dir, k++
	}
}' > "$work/curl.cfg"
requests=$(grep -c '^url' "$work/curl.cfg")

psql -X -q -v ON_ERROR_STOP=1 ${dsn:+"$dsn"} <<'EOF'
SET client_min_messages = warning;
DROP TABLE IF EXISTS floor_raw;
CREATE TABLE floor_raw (raw jsonb NOT NULL);
ALTER TABLE floor_raw ALTER COLUMN raw SET COMPRESSION lz4;
EOF

# Download and COPY overlap: curl names each response as its transfer
# completes (--write-out), and that file goes into the COPY stream at once.
# The responses are compact JSON (no newline), so each file is one CSV row
# once a newline ends it; \x01 and \x02 never occur in JSON text.
t0=$(now)
{
	curl --parallel --parallel-max "$conc" --parallel-immediate -sS \
	    --no-progress-meter --fail --compressed \
	    -H 'Accept: application/json' -A 'ctmirror-floor/1' \
	    -w '%{filename_effective}\n' -K "$work/curl.cfg"
	now > "$work/t_download"
} | while IFS= read -r f; do
	cat "$f"
	echo
done | psql -X -q -v ON_ERROR_STOP=1 ${dsn:+"$dsn"} -c \
    "COPY floor_raw (raw) FROM STDIN
     WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
t2=$(now)
t1=$(cat "$work/t_download")
bytes=$(cat "$work"/out/b*.json | wc -c)
rows=$(psql -X -At ${dsn:+"$dsn"} -c "SELECT count(*) FROM floor_raw")
# A failed transfer would only show as a missing row (sh has no pipefail).
if [ "$rows" -ne "$requests" ]; then
	echo "floor.sh: $rows rows for $requests requests" >&2
	exit 1
fi
awk -v t0="$t0" -v t1="$t1" -v t2="$t2" -v r="$requests" -v by="$bytes" \
    -v rows="$rows" 'BEGIN {
	printf "{\"requests\": %d, \"bytes\": %.0f, \"rows\": %d, ", r, by, rows
	printf "\"download_s\": %.3f, \"copy_tail_s\": %.3f, \"seconds\": %.3f}\n",
	    t1 - t0, t2 - t1, t2 - t0
}'
