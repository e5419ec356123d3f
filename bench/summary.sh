#!/bin/sh
# summary.sh BENCH_OUT — run by `make bench` after the Go benchmarks:
#  1. runs pgbench -n -c 4 -j 2 -T 10 with a one-row INSERT script on the
#     test database (PROCEDO_TEST_DATABASE_URL), in a scratch schema it
#     drops afterwards: the physical limit of durable commits here;
#  2. prints BenchmarkReference/postgres as a fraction of that TPS, and
#     procedo-mem as a multiple of lib-bpmn-engine, from BENCH_OUT.
set -eu
export PGOPTIONS="-c client_min_messages=warning"
out=${1:?usage: summary.sh BENCH_OUT}

# metric NAME-REGEX UNIT: the value of UNIT on the first matching line.
metric() {
	awk -v name="$1" -v unit="$2" '$1 ~ name { for (i = 3; i < NF; i++) if ($(i+1) == unit) { print $i; exit } }' "$out"
}

echo
echo "== pgbench: one-row INSERT, -n -c 4 -j 2 -T ${PGBENCH_TIME:-10}"
url=${PROCEDO_TEST_DATABASE_URL:-}
tps=""
if [ -z "$url" ]; then
	echo "skipped: PROCEDO_TEST_DATABASE_URL is not set"
elif ! command -v pgbench >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1; then
	echo "skipped: pgbench/psql not found; on Debian: apt-get install postgresql-client (or postgresql-contrib)"
else
	psql -q -v ON_ERROR_STOP=1 "$url" -c "DROP SCHEMA IF EXISTS procedo_pgbench CASCADE; CREATE SCHEMA procedo_pgbench;
		CREATE TABLE procedo_pgbench.one (id bigserial PRIMARY KEY, v integer NOT NULL, at timestamptz NOT NULL DEFAULT now());"
	script=$(mktemp)
	echo "INSERT INTO procedo_pgbench.one (v) VALUES (1);" > "$script"
	pgbench -n -c 4 -j 2 -T "${PGBENCH_TIME:-10}" -f "$script" "$url" > "$script.out" 2>&1 || { cat "$script.out"; exit 1; }
	tps=$(awk '/^tps = / { print $3; exit }' "$script.out")
	rm -f "$script" "$script.out"
	psql -q "$url" -c "DROP SCHEMA procedo_pgbench CASCADE;"
	echo "pgbench TPS: $tps"
fi

echo
echo "== summary"
pg=$(metric '^BenchmarkReference/postgres' 'instances/s')
sq=$(metric '^BenchmarkReference/sqlite' 'instances/s')
lib=$(metric '^BenchmarkPeer/lib-bpmn-engine' 'instances/s')
mem=$(metric '^BenchmarkPeer/procedo-mem' 'instances/s')
[ -n "$sq" ] && echo "Reference on SQLite:     $sq instances/s (target >= 4000)"
if [ -n "$pg" ]; then
	echo "Reference on PostgreSQL: $pg instances/s"
	[ -n "$tps" ] && awk -v a="$pg" -v b="$tps" 'BEGIN { printf "  = %.0f%% of the pgbench one-INSERT TPS (%s; target >= 50%%)\n", 100 * a / b, b }'
fi
if [ -n "$lib" ] && [ -n "$mem" ]; then
	awk -v a="$mem" -v b="$lib" 'BEGIN { printf "procedo-mem / lib-bpmn-engine: %.2fx (%s vs %s instances/s; target >= 3x)\n", a / b, a, b }'
fi
ratio=$(metric '^BenchmarkPeerRatio' 'ratio')
[ -n "$ratio" ] && echo "procedo-mem / lib-bpmn-engine in alternating rounds: ${ratio}x (the figure to quote on a loaded machine; target >= 3x)"
exit 0
