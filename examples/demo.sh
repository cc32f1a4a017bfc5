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
# The walk-through, scripted with flags (run these without flags on a terminal to be asked).
step "$MEPTOOL" incident open --title "Export comptable vide après la MEP 2.4.0" --severity major \
    --release v2.4.0 --impact "Le fichier d'export comptable du matin est vide." --no-input
step "$MEPTOOL" incident ack MEP-2026-003 --no-input --statement \
    "La mise en production de la version v2.4.0 a vidé l'export comptable. C'est notre erreur et nous en prenons la responsabilité."
step "$MEPTOOL" incident rootcause MEP-2026-003 --no-input --category configuration \
    --why "Le filtre de date de l'export excluait toutes les écritures." \
    --why "Le fuseau horaire du serveur a changé avec la 2.4.0." \
    --summary "Le changement de fuseau horaire de la 2.4.0 a décalé le filtre de date de l'export." \
    --client-summary "Un changement d'heure sur nos serveurs a vidé l'export de ses écritures." \
    --escape "Aucun test ne vérifie l'export sur un jeu de données réel."
step "$MEPTOOL" incident plan MEP-2026-003 --no-input --action "Corriger le filtre et relancer l'export" \
    --owner "Karim Benali" --due +1 --effort 0.5 --client-visible
step "$MEPTOOL" incident action MEP-2026-003 A1 --status done --no-input
step "$MEPTOOL" incident status MEP-2026-003 resolved --text "Export regénéré et vérifié" --client
step "$MEPTOOL" retro lessons MEP-2026-003 --no-input \
    --went-well "L'export a été regénéré le matin même." \
    --went-badly "Nous l'avons appris par le service comptable." \
    --lesson "Chaque export se vérifie sur des données réelles avant la MEP."
step "$MEPTOOL" update draft MEP-2026-003 --audience decision-makers --format md
step "$MEPTOOL" update draft MEP-2026-001 --audience decision-makers --lang fr --format eml,md,html
step "$MEPTOOL" update list MEP-2026-001
step "$MEPTOOL" retro report MEP-2026-001 --format html
step "$MEPTOOL" retro report MEP-2026-001 --audience client --format html
step "$MEPTOOL" retro report --all --format html
printf '\nDemo workspace: %s\n' "$(pwd)"
printf '  incidents:  %s\n' "$(pwd)/incidents"
printf '  first client update (French, decision-makers):\n'
for f in incidents/MEP-2026-001/updates/001-decision-makers-fr.*; do printf '    %s\n' "$(pwd)/$f"; done
printf '  retrospective (team):     %s\n' "$(pwd)/incidents/MEP-2026-001/retro.html"
printf '  retrospective (client):   %s\n' "$(pwd)/incidents/MEP-2026-001/retro-client.html"
printf '  portfolio:                %s\n' "$(pwd)/reports/portfolio.html"
