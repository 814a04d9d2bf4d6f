#!/usr/bin/env bash
# Generates plausible hourly PRSA readings for the 12 Beijing stations over
# any span of years, from the real 4-year series (2013-03 .. 2017-02): each
# station's series repeated whole, shifted by multiples of 4 years (48 months:
# leap days stay on leap years, months on their seasons), and cut to
# [FROM, TO]. A benchmark input, written to a temporary directory; never data
# in the repository.
# Usage: generate_years.sh SOURCE_DIR OUT_DIR FROM TO    (days as YYYYMMDD)
#   e.g. generate_years.sh ../shared/data/beijing-aq /tmp/ten 20160501 20260430
# Writes OUT_DIR/PRSA_Data_<station>_<FROM>-<TO>.csv.gz, in time order.
set -euo pipefail
src=${1:?source dir} out=${2:?out dir} from=${3:?from YYYYMMDD} to=${4:?to YYYYMMDD}
mkdir -p "$out"
for f in "$src"/PRSA_Data_*.csv.gz; do
  station=$(basename "$f" | sed 's/^PRSA_Data_\([^_]*\)_.*/\1/')
  zcat "$f" | awk -F, -v OFS=, -v from="$from" -v to="$to" '
    NR == 1 { print; next }
    { row[++n] = $0; y[n] = $2; md[n] = $3 * 100 + $4 }
    END {
      # Shifts of 4k years, oldest first: the rows come out in time order.
      for (k = -10; k <= 10; ++k) {
        for (i = 1; i <= n; ++i) {
          ty = y[i] + 4 * k
          date = ty * 10000 + md[i]
          if (date < from || date > to) continue
          split(row[i], c, ",")
          c[2] = ty
          line = c[1]
          for (j = 2; j in c; ++j) line = line "," c[j]
          print line
        }
      }
    }' | gzip -1 >"$out/PRSA_Data_${station}_${from}-${to}.csv.gz"
done
