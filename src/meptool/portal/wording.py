"""Every word of the portal that meptool chooses itself, in the client's language.

Two functions decide what a client reads of a recorded fact: `text` (a free
text written for the client) and `entry` (a timeline entry). Issue 13 turns
meptool's own timeline lines into data rendered as sentences and lets free
texts carry both languages (`{fr: …, en: …}`); switching the portal to it
means changing these two functions, nothing else.
"""

from __future__ import annotations

import re
from typing import Any

from meptool.model.enums import EntryKind, Status

# How a client says where things stand: no tool jargon ("mitigated"), no log lines.
STATUS = {
    "fr": {
        "open": "En cours d'analyse",
        "acknowledged": "Pris en charge",
        "mitigated": "Service rétabli, correction en cours",
        "resolved": "Résolu",
        "closed": "Clos",
    },
    "en": {
        "open": "Being investigated",
        "acknowledged": "Being handled",
        "mitigated": "Service restored, fix under way",
        "resolved": "Resolved",
        "closed": "Closed",
    },
}
SEVERITY = {
    "fr": {"critical": "Critique", "major": "Majeur", "minor": "Mineur"},
    "en": {"critical": "Critical", "major": "Major", "minor": "Minor"},
}
# A status change, as a sentence (SPEC.md 4a: never "status: a → b").
MOVED = {
    "fr": {
        "open": "L'incident a été rouvert.",
        "acknowledged": "Nous avons pris l'incident en charge.",
        "mitigated": "Le service fonctionne de nouveau ; la correction définitive est en cours.",
        "resolved": "Le problème est résolu.",
        "closed": "L'incident est clos.",
    },
    "en": {
        "open": "The incident was reopened.",
        "acknowledged": "We took charge of the incident.",
        "mitigated": "The service works again; the permanent fix is under way.",
        "resolved": "The problem is resolved.",
        "closed": "The incident is closed.",
    },
}
# Entries meptool writes itself whose text is a log line, not words for a client.
_OWN = {
    "fr": {
        EntryKind.PLAN: "Notre plan d'actions a été mis à jour.",
        EntryKind.ACTION: "Une action de notre plan a avancé.",
        EntryKind.ROOT_CAUSE: "La cause du problème est identifiée.",
        EntryKind.DETECTION: "Le problème a été détecté.",
    },
    "en": {
        EntryKind.PLAN: "Our action plan was updated.",
        EntryKind.ACTION: "An action of our plan moved forward.",
        EntryKind.ROOT_CAUSE: "The cause of the problem is identified.",
        EntryKind.DETECTION: "The problem was detected.",
    },
}
_LOG_SEPARATOR = " — "  # `incident status … --text NOTE` appends the person's note after it
# meptool's own log lines (lifecycle.TEXTS), recognised so that they never reach a client as such.
_LOG = re.compile(
    r"^(?:(?:Statut|Status) ?: \S+ → \S+"
    r"|Incident (?:reconnu par|acknowledged by) "
    r"|(?:Déclaration de reconnaissance révisée par|Acknowledgement statement revised by) )"
)


def text(value: Any, lang: str) -> str | None:
    """A free text written for the client, in `lang` when it exists in that language.

    A text is a string in the incident's language or a `{fr: …, en: …}` mapping
    (`model.Localized`, SPEC.md 2 *(v2)*): the asked language, else the one it has.
    """
    if value is None:
        return None
    translations = getattr(value, "translations", None)
    if translations:
        found = translations.get(lang) or next((v for v in translations.values() if v), None)
        return str(found) if found else None
    if isinstance(value, dict):
        found = value.get(lang) or next((v for v in value.values() if v), None)
        return str(found) if found else None
    return str(value) or None


def entry(
    kind: EntryKind | None, status: Status | None, raw: str, visible: bool, lang: str
) -> str | None:
    """What the client reads of one timeline entry, or None when there is nothing for them.

    A status change becomes a sentence, followed by the words a person wrote
    with it when they were for the client; an internal entry gives only its
    status change, never its text. The line meptool logs when an update is sent
    is left out (the update itself is shown); meptool's other lines become a
    plain sentence; a person's note is shown as written.
    """
    logged = bool(_LOG.match(raw))
    note = raw
    if logged:
        note = raw.split(_LOG_SEPARATOR, 1)[1].strip() if _LOG_SEPARATOR in raw else ""
    if status is not None:
        sentence = MOVED[lang][status.value]
        if status is Status.OPEN and kind is not EntryKind.STATUS:
            sentence = _OWN[lang][EntryKind.DETECTION]  # opened, not reopened
        if not visible or not note:
            return sentence
        if kind is EntryKind.ACKNOWLEDGEMENT:
            return note  # the person's own words say it better than ours
        return f"{sentence} {note}"
    if not visible or kind in (EntryKind.UPDATE, EntryKind.FEEDBACK):
        return None
    if kind in _OWN[lang]:
        return _OWN[lang][kind]
    return note or None


# The words of the portal's pages and feeds.
WORDS: dict[str, dict[str, Any]] = {
    "fr": {
        "portal": "Espace client",
        "colon": " :",
        "q_open": "« ",
        "q_close": " »",
        "skip": "Aller au contenu",
        "home": "Tous les incidents",
        "open": "Incidents en cours",
        "no_open": "Aucun incident en cours.",
        "past": "Incidents passés",
        "no_past": "Aucun incident passé.",
        "status": "Statut",
        "severity": "Gravité",
        "next_update": "Prochain point prévu",
        "no_next_update": "date du prochain point à confirmer",
        "last_sent": "Dernier point envoyé",
        "never_sent": "aucun point envoyé pour l'instant",
        "opened": "Début",
        "incident": "Incident",
        "what_happened": "Ce qui s'est passé",
        "impact": "Impact pour vos utilisateurs",
        "users": "Personnes concernées",
        "impact_from": "Début de l'impact",
        "impact_to": "Fin de l'impact",
        "ack": "Notre engagement",
        "timeline": "Chronologie",
        "no_timeline": "Rien n'a encore été consigné pour vous sur cet incident.",
        "update_sent": "Point n° {seq} envoyé",
        "updates": "Les points envoyés",
        "no_updates": "Aucun point n'a encore été envoyé pour cet incident.",
        "update_n": "Point n° {seq}",
        "sent_on": "Envoyé le",
        "to": "À",
        "subject": "Objet",
        "text_missing": "Le texte de ce point n'est plus disponible tel qu'il a été envoyé.",
        "other_lang": "Rédigé en {language}.",
        "actions": "Plan d'actions",
        "no_actions": "Le plan d'actions n'est pas encore établi.",
        "action_type": {"corrective": "Action corrective", "preventive": "Action préventive"},
        "action_status": {"todo": "À faire", "doing": "En cours", "done": "Faite"},
        "owner": "Responsable",
        "owner_missing": "à désigner",
        "due": "Échéance",
        "progress": "Avancement",
        "schedule": "Planning et budget",
        "delay": "Décalage",
        "new_date": "Nouvelle date de livraison",
        "budget": "Budget",
        "agreement": "Votre accord",
        "agreement_value": {
            "pending": "en attente de votre réponse",
            "agreed": "donné",
            "refused": "refusé",
        },
        "calls": "Appels",
        "expectations": "Vos demandes",
        "expectation_state": {"open": "en cours", "met": "fait", "declined": "décliné"},
        "agreed_by": "donné par {by} le {at}",
        "quote": ("«\u202f", "\u202f»"),
        "retro": "Rapport d'incident",
        "retro_link": "Lire le rapport d'incident (rétrospective)",
        "feeds": "Suivre les nouvelles",
        "atom": "Flux Atom des points et changements de statut",
        "ics": "Calendrier des prochains points (iCalendar)",
        "languages": "Langue",
        "times": "Heures de {city}.",
        "footer": "Cet espace reprend les points envoyés et les éléments rédigés pour vous.",
        "feed_title": "{client} — incidents",
        "ics_name": "{client} — prochains points",
        "ics_summary": "Prochain point : {title}",
        "ics_description": "Nous nous sommes engagés à vous envoyer un point sur l'incident "
        "{id} à cette heure au plus tard.",
        "language_name": {"fr": "français", "en": "anglais"},
    },
    "en": {
        "portal": "Client portal",
        "colon": ":",
        "q_open": "“",
        "q_close": "”",
        "skip": "Skip to content",
        "home": "All incidents",
        "open": "Open incidents",
        "no_open": "No open incident.",
        "past": "Past incidents",
        "no_past": "No past incident.",
        "status": "Status",
        "severity": "Severity",
        "next_update": "Next update due",
        "no_next_update": "time of the next update to be confirmed",
        "last_sent": "Last update sent",
        "never_sent": "no update sent yet",
        "opened": "Started",
        "incident": "Incident",
        "what_happened": "What happened",
        "impact": "Impact on your users",
        "users": "Who is affected",
        "impact_from": "Impact began",
        "impact_to": "Impact ended",
        "ack": "Our commitment",
        "timeline": "Timeline",
        "no_timeline": "Nothing has been recorded for you on this incident yet.",
        "update_sent": "Update #{seq} sent",
        "updates": "Updates sent",
        "no_updates": "No update has been sent for this incident yet.",
        "update_n": "Update #{seq}",
        "sent_on": "Sent on",
        "to": "To",
        "subject": "Subject",
        "text_missing": "The text of this update is no longer available as it was sent.",
        "other_lang": "Written in {language}.",
        "actions": "Action plan",
        "no_actions": "The action plan is not drawn up yet.",
        "action_type": {"corrective": "Corrective action", "preventive": "Preventive action"},
        "action_status": {"todo": "To do", "doing": "In progress", "done": "Done"},
        "owner": "Owner",
        "owner_missing": "to be named",
        "due": "Due",
        "progress": "Progress",
        "schedule": "Schedule and budget",
        "delay": "Delay",
        "new_date": "New delivery date",
        "budget": "Budget",
        "agreement": "Your agreement",
        "agreement_value": {
            "pending": "awaiting your answer",
            "agreed": "given",
            "refused": "refused",
        },
        "calls": "Calls",
        "expectations": "What you asked of us",
        "expectation_state": {"open": "in progress", "met": "done", "declined": "declined"},
        "agreed_by": "given by {by} on {at}",
        "quote": ("“", "”"),
        "retro": "Incident report",
        "retro_link": "Read the incident report (retrospective)",
        "feeds": "Follow the news",
        "atom": "Atom feed of updates and status changes",
        "ics": "Calendar of the next updates (iCalendar)",
        "languages": "Language",
        "times": "Times are {city} time.",
        "footer": "This space shows the updates we sent and what we wrote for you.",
        "feed_title": "{client} — incidents",
        "ics_name": "{client} — next updates",
        "ics_summary": "Next update: {title}",
        "ics_description": "We committed to sending you an update on incident {id} by this time.",
        "language_name": {"fr": "French", "en": "English"},
    },
}


def days(value: float, lang: str) -> str:
    """'1 jour', '3,5 jours', '1 day', '0.5 days': real plurals (SPEC.md 4a)."""
    number = f"{value:.1f}".rstrip("0").rstrip(".")
    if lang == "fr":
        return f"{number.replace('.', ',')} jour{'s' if value >= 2 else ''}"
    return f"{number} day{'' if value == 1 else 's'}"


def progress(done: int, total: int, lang: str) -> str:
    """'2 actions faites sur 3', '1 of 3 actions done'."""
    if lang == "fr":
        return (
            f"{done} action{'s' if done >= 2 else ''} faite{'s' if done >= 2 else ''} sur {total}"
        )
    return f"{done} of {total} action{'' if total == 1 else 's'} done"


def call(status: str, minutes: int, names: list[str], lang: str) -> str:
    """One call with the client, in a sentence: planned or held, how long, with whom."""
    from meptool.labels import count

    who = " et ".join(names) if lang == "fr" else " and ".join(names)
    if lang == "fr":
        held = "Appel prévu" if status == "planned" else "Appel tenu"
        length = count(minutes, "minute", "minutes", "fr")
        return f"{held} ({length}){' avec ' + who if names else ''}."
    held = "Call planned" if status == "planned" else "Call held"
    length = count(minutes, "minute", "minutes", "en")
    return f"{held} ({length}){' with ' + who if names else ''}."
