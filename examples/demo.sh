#!/usr/bin/env bash
# `make demo`: run meptool's main job on a copy of the bundled example workspace.
set -euo pipefail
MEPTOOL=$(cd "$(dirname "${1:-meptool}")" 2>/dev/null && pwd)/$(basename "${1:-meptool}")
OUT=${2:-demo}
HERE="$(cd "$(dirname "$0")" && pwd)"
rm -rf "$OUT"
cp -r "$HERE/workspace" "$OUT"
export MEPTOOL_NOW="${MEPTOOL_NOW:-2026-11-21T09:30:00+01:00}" NO_COLOR=1
cd "$OUT"
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
step "$MEPTOOL" schema --output schemas/incident.schema.json
step "$MEPTOOL" incident validate
step "$MEPTOOL" incident list
step "$MEPTOOL" incident show MEP-2026-001
step "$MEPTOOL" update draft MEP-2026-001 --audience decision-makers --lang fr --format eml,md,html
step "$MEPTOOL" update list MEP-2026-001
printf '\nDemo workspace: %s\n' "$(pwd)"
printf '  incidents:  %s\n' "$(pwd)/incidents"
printf '  first client update (French, decision-makers):\n'
for f in incidents/MEP-2026-001/updates/001-decision-makers-fr.*; do printf '    %s\n' "$(pwd)/$f"; done
