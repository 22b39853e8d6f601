#!/bin/bash
# usage: scripts/bench-seed.sh BINARY LABEL
# Times `onestop seed` on fresh SQLite and PostgreSQL databases, 5 runs each,
# and prints the median. Run it for two binaries in the same session (e.g. a
# build of an earlier commit as the baseline) and compare: the machine is shared.
bin=$1; label=$2
for backend in sqlite pg; do
  ts=()
  for i in 1 2 3 4 5; do
    if [ $backend = sqlite ]; then
      d=$(mktemp -d); url="sqlite://$d/o.db"
    else
      name="seedbench_$$_$i"; psql -h 127.0.0.1 -U postgres -qc "create database $name" >/dev/null; url="postgres://postgres@127.0.0.1:5432/$name"
    fi
    DATABASE_URL=$url $bin migrate >/dev/null 2>&1
    s=$(date +%s.%N); DATABASE_URL=$url $bin seed >/dev/null 2>&1 || echo "seed failed"; e=$(date +%s.%N)
    ts+=($(echo "$e - $s" | bc))
    [ $backend = pg ] && psql -h 127.0.0.1 -U postgres -qc "drop database $name" >/dev/null
  done
  printf "%s %s: %s\n" "$label" "$backend" "$(printf '%s\n' "${ts[@]}" | sort -n | sed -n 3p) s (median of 5)"
done
