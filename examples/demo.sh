#!/usr/bin/env bash
# `make demo`: one day of a real incident, on a copy of the bundled example workspace.
#
# The clock moves as it would (MEPTOOL_NOW, one value per step): updates are
# drafted before they are due, the fix takes hours, not 0 minutes. Every command
# is printed as you would type it, after `source .venv/bin/activate`, in the
# demo folder: paste any of them to try it yourself.
set -euo pipefail
MEPTOOL=$(cd "$(dirname "${1:-meptool}")" 2>/dev/null && pwd)/$(basename "${1:-meptool}")
OUT=${2:-demo}
HERE="$(cd "$(dirname "$0")" && pwd)"
DAY=2026-11-21
rm -rf "$OUT"
cp -r "$HERE/workspace" "$OUT"
cd "$OUT"

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then BOLD=$'\033[1m' DIM=$'\033[2m' OFF=$'\033[0m'
else BOLD='' DIM='' OFF=''; fi

# One word for the shell: as it is when it is safe, else in single quotes.
quote() {
  if [[ $1 =~ ^[A-Za-z0-9_./:=+,@%-]+$ ]]; then printf '%s' "$1"
  else printf "'%s'" "${1//\'/\'\\\'\'}"; fi
}

# at HH:MM "what happens"  — moves the clock and says why
at() { export MEPTOOL_NOW="${DAY}T$1:00+01:00"; printf '\n%s# %s %s — %s%s\n' "$DIM" "$DAY" "$1" "$2" "$OFF"; }

step() {
  local line="meptool" arg
  for arg in "$@"; do line+=" $(quote "$arg")"; done
  printf '%s$ %s%s\n' "$BOLD" "$line" "$OFF"
  "$MEPTOOL" "$@"
}

at 09:30 "the morning after a failed release: where do we stand?"
step incident validate
step incident list
step incident show MEP-2026-001
step doctor

at 09:40 "the next update to Maison Dupont is due at 10:00: draft it now"
step update draft MEP-2026-001 --audience decision-makers --lang fr --format eml,md,html
at 09:45 "the domain expert gets the technical account"
step update draft MEP-2026-001 --audience domain-experts --lang fr --format eml,md
at 09:55 "a colleague reads and approves the first one"
step update approve MEP-2026-001 --seq 1 --by "Sophie Durand"
step update list MEP-2026-001

at 11:00 "release 2.4.0 went out at 10:30; at 10:50 the accounting export came out empty"
step incident open --title "Export comptable vide après la MEP 2.4.0" --severity major \
    --release v2.4.0 --deployed-at 10:30 --detected-at 10:50 --detected-by "Marc Petit" \
    --impact "Le fichier d'export comptable du matin est vide." --no-input
at 11:10 "own the error, in words"
step incident ack MEP-2026-003 --no-input --statement \
    "La mise en production de la version 2.4.0 a vidé l'export comptable. C'est notre erreur et nous en prenons la responsabilité."
at 11:20 "tell the client before they ask"
step update draft MEP-2026-003 --format eml,md
at 11:50 "the five whys"
step incident rootcause MEP-2026-003 --no-input --category configuration \
    --why "Le filtre de date de l'export excluait toutes les écritures." \
    --why "Le fuseau horaire du serveur a changé avec la 2.4.0." \
    --summary "Le changement de fuseau horaire de la 2.4.0 a décalé le filtre de date de l'export." \
    --client-summary "Un changement d'heure sur nos serveurs a vidé l'export de ses écritures." \
    --escape "Aucun test ne vérifie l'export sur un jeu de données réel."
at 12:05 "the plan"
step incident plan MEP-2026-003 --no-input --action "Corriger le filtre et relancer l'export" \
    --owner "Karim Benali" --due +1 --effort 0.5 --client-visible
at 14:30 "the fix is deployed"
step incident action MEP-2026-003 A1 --status done --no-input
at 14:45 "the export is checked with the client's accountant"
step incident status MEP-2026-003 resolved --text "Export regénéré et vérifié" --client
at 15:00 "the update that says it is over"
step update draft MEP-2026-003 --format eml,md

at 17:30 "end of the day: what we learnt"
step retro lessons MEP-2026-003 --no-input \
    --went-well "L'export a été regénéré le matin même." \
    --went-badly "Nous l'avons appris par le service comptable." \
    --lesson "Chaque export se vérifie sur des données réelles avant la MEP."
step retro report MEP-2026-001 --format html
step retro report MEP-2026-001 --audience client --format html
step retro report --all --format html

here=$(pwd)
printf '\nDemo workspace: %s\n' "$here"
printf '  first client update (French, decision-makers):\n'
for f in incidents/MEP-2026-001/updates/001-decision-makers-fr.*; do printf '    %s\n' "$here/$f"; done
printf '  retrospective (team):     %s\n' "$here/incidents/MEP-2026-001/retro.html"
printf '  retrospective (client):   %s\n' "$here/incidents/MEP-2026-001/retro-client.html"
printf '  portfolio:                %s\n' "$here/reports/portfolio.html"
printf '\nTry it yourself:  source .venv/bin/activate && cd %s && meptool incident list\n' "$(quote "$OUT")"
