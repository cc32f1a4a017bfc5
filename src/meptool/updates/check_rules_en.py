"""`update check`'s English lexicons (data only; see meptool.updates.check_patterns).

Patterns read normalised text: lower case, straight apostrophes, single spaces.
"""

from __future__ import annotations

from meptool.updates.check_patterns import Lexicon

_THIRD = (
    r"(?:hosting provider|host|provider|vendor|supplier|partner|third[- ]party|subcontractor"
    r"|contractor|bank|cloud|data ?cent(?:er|re)|aws|azure|google|payment processor"
    r"|operator|integrator|isp)"
)
_DET = r"(?:(?:our|the|a|an|their) )?(?:[a-z-]+ )?"

LEXICONS: dict[str, Lexicon] = {
    "own": Lexicon(
        patterns=(
            r"\b(?:this|that|it|the (?:mistake|error|failure|fault))(?: one)? (?:is|was|'s|lies)"
            r" (?:entirely |fully |squarely |all |firmly )?(?:on us|ours|our (?:own )?(?:mistake"
            r"|fault|error|doing|responsibility|failure)|with us)",
            r"\b(?:it's|it is|it was|this is|this was|that's|that is) (?:entirely |fully |all )?"
            r"(?:on us|our (?:own )?(?:mistake|fault|error|doing|responsibility|failure))",
            r"\bthe (?:mistake|error|fault|responsibility|failure) (?:is|was|remains) "
            r"(?:entirely |fully |all )?ours",
            r"\bwe (?:take|accept|bear|carry|own|assume) (?:full |complete |entire |total "
            r"|all )?(?:the )?(?:responsibility|blame|ownership)",
            r"\bwe (?:fully |entirely |completely )?(?:own|admit|acknowledge|recognise|recognize"
            r"|accept) (?:(?:this|that|the|our|full|complete) )?(?:\w+ )?(?:mistake|error"
            r"|failure|fault|responsibility|regression|problem)",
            r"\bwe (?:fully )?own (?:it|this|that)\b",
            r"\bwe (?:dropped the ball|messed up|got (?:it|this) wrong|let you down|fell short"
            r"|failed (?:you|to)|made (?:a|an|this) (?:mistake|error)|screwed up|blew it"
            r"|did not test|didn't test|should have (?:caught|tested|checked|seen))",
            r"\b(?:we are|we're|i am|i'm) (?:truly |very |deeply |so |really |sincerely )?"
            r"(?:sorry|to blame|responsible|at fault|accountable)",
            r"\b(?:we|i) (?:sincerely |deeply |truly )?apologi[sz]e\b|\b(?:our|my) (?:sincere |"
            r"deepest |heartfelt )?apologies\b|\bplease accept our apolog",
            r"\b(?:our|my) (?:mistake|fault|error|bad)\b(?! (?:is|was) not)",
            r"\b(?:our|the) (?:release|deployment|change|code|update|team|version) (?:introduced"
            r"|caused|broke|created)",
            r"\b(?:comes|came|stems|stemmed|results|resulted) (?:directly )?from (?:our|a change"
            r" we|something we)",
            r"\bwe (?:introduced|caused|broke)\b",
            r"\bno excuses?\b(?! for (?:the|their|your))",
            r"\b(?:this|that|the|it)(?: \w+)? (?:is|was) (?:entirely |fully |all )?ours\b",
            r"\b(?:we|our team) (?:shipped|released|deployed|delivered|pushed) .{0,40}?"
            r"\b(?:that|which) (?:broke|caused|blocked|introduced)",
            r"\bwe (?:apologi[sz]e|are sorry) (?:unreservedly|wholeheartedly|sincerely)",
        ),
        examples=(
            "We dropped the ball on this release. I am sorry.",
            "This is on us.",
            "We own this mistake and apologise.",
            "It is our mistake: we take full responsibility.",
            "The mistake was ours, and we take full responsibility for it.",
            "We take full responsibility for the outage.",
            "I apologise for the disruption.",
            "Our release introduced an error that blocks payments.",
            "We made a mistake in the payment rule.",
            "This regression comes from our delivery.",
            "We are responsible for this incident.",
            "We let you down.",
        ),
        counterexamples=(
            "Service has been back to normal since Friday.",
            "We are fixing the payment rule.",
            "Our provider confirmed the fix.",
        ),
        note="a denial ('not our fault') matches too: meptool.updates.check reads 'deny' first",
    ),
    "deny": Lexicon(
        patterns=(
            r"\b(?:this|that|it|the (?:incident|outage|problem|error|issue|failure))"
            r" (?:is|was|'s) (?:not|n't|in no way|by no means|certainly not) (?:at all )?"
            r"(?:our (?:fault|mistake|error|doing|responsibility)|on us|ours|caused by us"
            r"|due to us|down to us)",
            r"\b(?:isn't|wasn't) (?:our (?:fault|mistake|error|doing|responsibility)|on us"
            r"|ours|caused by us)",
            r"\bnot (?:our (?:fault|mistake|error|doing)|on us)\b",
            r"\bwe(?: are| were|'re) not (?:responsible|to blame|at fault|the cause|liable"
            r"|accountable)",
            r"\bwe (?:cannot|can't|can not) be (?:held )?(?:responsible|liable|blamed)",
            r"\bwe (?:do not|don't|cannot|can't) (?:accept|take) (?:any |the )?(?:responsibility"
            r"|blame|liability)",
            r"\bno (?:fault|mistake|error|negligence) (?:on our (?:part|side)|of ours|by us)",
            r"\b(?:the )?(?:fault|blame|responsibility) (?:does not|doesn't|did not|didn't) lie "
            r"with us",
            r"\b(?:did not|didn't|does not|doesn't) (?:originate|come|start|stem|lie) (?:with|from)"
            r" us\b|\bnot (?:something|anything) (?:we|that we) (?:caused|did|introduced)",
            r"\bwe (?:did|have done) nothing wrong|\bnothing to do with us|\bwe (?:disclaim"
            r"|decline)"
            r" (?:any|all) (?:responsibility|liability)",
        ),
        examples=(
            "This was not our fault; the provider changed its interface.",
            "It wasn't our mistake.",
            "We are not responsible for this outage.",
            "We cannot be held responsible for the provider's failure.",
            "We did nothing wrong.",
            "The incident was in no way our doing.",
            "No fault on our part was found.",
        ),
        counterexamples=(
            "It is our mistake.",
            "We do not know yet whether the fix covers every case.",
            "This is not yet resolved.",
        ),
    ),
    "deflect": Lexicon(
        patterns=(
            rf"\b(?:caused|triggered|brought about|created) (?:entirely |solely |only )?by "
            rf"(?:an? (?:outage|failure|error|change|problem) (?:at|of|from|by) )?{_DET}{_THIRD}",
            rf"\b(?:due|owing|attributable) to (?:an? (?:outage|failure|error|change|problem) "
            rf"(?:at|of|from|by) )?{_DET}{_THIRD}",
            rf"\bbecause of (?:an? (?:outage|failure|error|change|problem) (?:at|of|from|by) )?"
            rf"{_DET}{_THIRD}",
            rf"\b{_THIRD}'s (?:fault|mistake|error|failure|responsibility)",
            rf"\bthe (?:fault|blame|responsibility) (?:lies|rests|is) (?:entirely |solely )?with "
            rf"{_DET}{_THIRD}",
            rf"\b{_THIRD} (?:is|was) (?:solely |entirely )?(?:to blame|responsible|at fault)",
            r"\b(?:beyond|outside) (?:of )?our control\b",
            rf"\b(?:originated|started|began) (?:at|from|with|in) {_DET}{_THIRD}",
            rf"\bon (?:the|our) {_THIRD}'s (?:side|end)\b",
        ),
        examples=(
            "The outage was caused by our provider.",
            "This was due to a failure at our hosting provider.",
            "It was the vendor's fault.",
            "The blame lies with the payment processor.",
            "These circumstances were beyond our control.",
        ),
        counterexamples=(
            "We have told our hosting provider.",
            "Our provider confirmed the fix.",
            "It is our mistake.",
        ),
    ),
    "blame_verb": Lexicon(
        note="follows a person of the team (within a few words): the person is the subject",
        patterns=(
            r"\b(?:forgot|neglected|overlooked|skipped|missed|botched|broke|ignored|messed up"
            r"|screwed up|misconfigured|deleted \S+ by mistake|pushed \S+ by mistake)\b",
            r"\b(?:did not|didn't|never|failed to) (?:test|check|verify|validate|review|run|see"
            r"|notice|warn|follow|read|catch)\b",
            r"\b(?:made|committed) (?:a|an|the|this) (?:mistake|error|blunder)",
            r"\b(?:is|was) (?:to blame|at fault|responsible for the (?:error|mistake|incident"
            r"|outage))",
            r"\bshould have (?:tested|checked|seen|caught|verified|reviewed)",
            r"'s (?:mistake|fault|error|blunder|oversight|negligence)\b",
        ),
        examples=(
            "Benali forgot to run the tests.",
            "Paul did not check the configuration.",
            "Sophie made a mistake in the rule.",
            "It was Paul's mistake.",
        ),
        counterexamples=(
            "Karim Benali is fixing the 3-D Secure rule.",
            "Sophie added foreign cards to the tests.",
        ),
    ),
    "blame_noun": Lexicon(
        note="precedes a person of the team: 'mistake by Paul'",
        patterns=(
            r"\b(?:mistake|error|fault|oversight|blunder|negligence)s? (?:made )?(?:by|of)\s*$",
            r"\b(?:because of|caused by|due to|thanks to|blame)\s*$",
            r"\b(?:the )?(?:fault|blame) (?:lies|is|rests) with\s*$",
        ),
        examples=("a mistake by ", "This happened because of ", "The fault lies with "),
        counterexamples=("The fix by ", "a message from "),
    ),
    "blame_passive": Lexicon(
        note="precedes a person of the team: 'forgotten by Paul'",
        patterns=(
            r"\b(?:forgotten|missed|skipped|broken|botched|overlooked|neglected|caused|introduced"
            r"|deleted by mistake|misconfigured) (?:\S+ ){0,2}?by\s*$",
        ),
        examples=("The test was skipped by ", "The bug was introduced by "),
        counterexamples=("The fix was made by ",),
    ),
    "client_blame": Lexicon(
        patterns=(
            r"\byour (?:team|teams|staff|people|users|developers|testers|vendor|provider|side"
            r"|department|it team) (?:\S+ ){0,2}?(?:did not|didn't|never|failed to|forgot"
            r"|neglected|should have|was late|were late)",
            r"\byou (?:did not|didn't|never|failed to|forgot to|should have) (?:test|check"
            r"|validate|verify|sign|approve|tell|warn|answer|reply|provide|send|read|follow"
            r"|told|tested|checked|validated|verified|signed|approved|warned|answered|replied"
            r"|provided|sent|followed)\b",
            r"\b(?:because of|due to|caused by) your (?:team|teams|staff|testing|validation"
            r"|mistake|error|delay|side)",
            r"\b(?:your (?:fault|mistake|error)|the (?:fault|mistake) (?:is|was) yours)\b",
            r"\b(?:lack|absence) of (?:validation|testing|sign-off|answer|response) (?:on your "
            r"(?:side|part|end)|from your (?:side|team))",
        ),
        examples=(
            "Your team did not validate the acceptance tests.",
            "You failed to sign off the release.",
            "This happened because of your team's delay.",
        ),
        counterexamples=(
            "Could you confirm that you agree?",
            "Your teams can take payments again.",
            "You do not need to do anything on your side.",
        ),
    ),
    "known": Lexicon(
        patterns=(
            r"\bwhat we know\b|\bwe (?:now )?know (?:that|what|how)\b",
            r"\bwhere things stand\b|^(?:the situation|what happened|the facts|at this stage"
            r"|so far|as of now|current status|in short)\b",
            r"\bwe have (?:established|confirmed|found|identified)\b",
        ),
        examples=("What we know", "So far, payments go through again."),
        counterexamples=("What we are doing",),
    ),
    "unknown": Lexicon(
        patterns=(
            r"\bwhat we (?:do not|don't) (?:yet )?know\b",
            r"\bwe (?:do not|don't) (?:yet )?know\b|\bnot (?:yet )?(?:known|clear|confirmed"
            r"|established|certain)\b",
            r"\b(?:remains?|remaining|still|yet) to be (?:confirmed|seen|determined|established"
            r"|checked|measured|understood)\b",
            r"\bwhat remains to be\b|\bstill (?:investigating|checking|confirming|verifying"
            r"|unclear|unknown)\b",
            r"\b(?:unknown|unclear|uncertain|open questions?|under investigation)\b",
            r"\bnothing (?:remains|is left) (?:unknown|to (?:confirm|be confirmed))"
            r"|\bno open questions?\b|\beverything is (?:now )?(?:known|confirmed)",
        ),
        examples=(
            "What we do not know yet",
            "What remains to be confirmed",
            "The exact cause is still unknown.",
        ),
        counterexamples=("What we know", "We have found the cause."),
    ),
    "actions": Lexicon(
        patterns=(
            r"\bwhat we are doing\b|\baction plan\b|\bnext steps\b|\bcorrective actions?\b",
            r"\bwe are (?:fixing|working|putting in place|preparing|deploying|adding|checking"
            r"|verifying|strengthening)\b|\bwe have (?:fixed|restored|added|deployed)\b",
            r"\bto fix it\b|\bso that it does not happen again\b",
        ),
        examples=("What we are doing", "We are fixing the payment rule."),
        counterexamples=("What we know",),
    ),
    "schedule": Lexicon(
        patterns=(
            r"\b(?:delay\w*|schedule\w*|deadline|budget\w*|delivery|cost\w*|extra days?"
            r"|new date|timeline shift|covered by the agency|at no cost)\b",
        ),
        examples=("This incident delays delivery by 3 days.", "Budget: 3.5 days."),
        counterexamples=("Service is back to normal.",),
    ),
    "agreement": Lexicon(
        patterns=(r"\b(?:agree\w*|approv\w*|confirm\w*|sign[- ]?off|consent|accept\w*|ok)\b",),
        examples=("Could you confirm that you agree to this new schedule?",),
        counterexamples=("Service is back to normal.",),
    ),
    "ask": Lexicon(
        patterns=(
            r"\?",
            r"\b(?:could|can|would|will) you\b|\bplease\b|\blet (?:me|us) know\b"
            r"|\b(?:we|i) (?:propose|suggest|ask|would like you)\b|\bsubject to your\b"
            r"|\bwe await your\b|\blooking forward to your\b",
        ),
        examples=("Could you confirm that you agree?", "Please confirm this new date."),
        counterexamples=("The schedule is unchanged.",),
    ),
    "next_update": Lexicon(
        patterns=(
            r"\bnext (?:update|message|report|e-?mail|news)\b",
            r"\b(?:i|we) will (?:send you|write|update you|get back to you|be in touch"
            r"|report back|keep you (?:posted|informed|updated)|come back to you)",
            r"\b(?:i'll|we'll) (?:send you|write|update you|get back to you|be in touch"
            r"|report back|keep you (?:posted|informed|updated))",
            r"\byou will hear from (?:me|us)\b",
        ),
        examples=(
            "I will send you the next update today at 11:30 am.",
            "By Tuesday 24 November I will send you the full review of the incident.",
            "Next update",
        ),
        counterexamples=("Service is back to normal.",),
    ),
    "when": Lexicon(
        patterns=(
            r"\b\d{1,2}(?::\d{2})? ?(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d{2}\b",
            r"\b(?:today|tomorrow|tonight|this (?:morning|afternoon|evening)|within (?:the hour"
            r"|\d+ (?:hours?|days?|minutes?)|an hour|a day)|in (?:\d+|one|two|three) (?:hours?"
            r"|days?|minutes?))\b",
            r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
            r"\b\d{1,2}(?:st|nd|rd|th)? (?:january|february|march|april|may|june|july|august"
            r"|september|october|november|december)\b|\b(?:january|february|march|april|june"
            r"|july|august|september|october|november|december) \d{1,2}\b",
        ),
        examples=("today at 11:30 am", "by Tuesday 24 November", "tomorrow morning"),
        counterexamples=("soon",),
    ),
    "call": Lexicon(
        patterns=(r"\b(?:call|calls|talk|speak|meet|meeting|video ?call|on the phone|by phone)\b",),
        examples=("If you would like to talk it over, I can call you.",),
        counterexamples=("I will write again tomorrow.", "You can reach me on +33 1 23 45 67 89."),
    ),
    "jargon": Lexicon(
        note="words for engineers; HTTP status codes and identifiers are in meptool.updates.check",
        patterns=(
            r"\b(?:api|apis|endpoint|webhook|back-?end|front-?end|micro-?services?|pods?|k8s"
            r"|kubernetes|docker|containers?|cluster|redis|postgres(?:ql)?|mysql|mongodb|kafka"
            r"|rabbitmq|elasticsearch|nginx|haproxy|load[- ]balancer|circuit[- ]breaker|oom"
            r"|heap|deadlock|race condition|rollback|roll-back|rolled back|hotfix|hot-fix"
            r"|commits|pull request|merge request|pipeline|ci/cd|staging|sql|dns|cdn|timeout"
            r"|time-out|cache|http|json|yaml|xml|regex|stack ?trace|logs|log files|refactor\w*"
            r"|cron|crontab|feature flag|git|npm|ssh|memory leak|replica|failover|sharding)\b",
            r"\b(?:the|a|this|that|faulty|bad|last|latest) commit\b|\bcommit [0-9a-f]{7}",
            r"\b(?:the|a) build (?:failed|broke|server|pipeline)\b",
            r"\b(?:an? )?exception (?:was )?(?:thrown|raised|unhandled)|\bunhandled exception\b",
        ),
        examples=(
            "The k8s pod was OOMKilled behind the circuit breaker.",
            "We rolled back the faulty commit.",
        ),
        counterexamples=(
            "We commit to a new date.",
            "Service is back to normal.",
            "with the exception of French cards",
        ),
    ),
    "secret_label": Lexicon(
        patterns=(
            r"\b(?:pwd|passwd|pass|password|passphrase|passcode|pin|secret|token|api[ _-]?key"
            r"|credentials?|login)\s*(?:[:=]|is)\s*",
        ),
        examples=("pwd=Azerty123", "the password is hunter2"),
        counterexamples=("We reset the password for every account.",),
    ),
}

# Words that say nothing of what a text is about (for the comparison of texts).
STOPWORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "so",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "into",
        "onto",
        "about",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "we",
        "us",
        "our",
        "ours",
        "you",
        "your",
        "yours",
        "i",
        "me",
        "my",
        "he",
        "she",
        "they",
        "them",
        "their",
        "his",
        "her",
        "not",
        "no",
        "yes",
        "all",
        "any",
        "each",
        "every",
        "more",
        "most",
        "very",
        "too",
        "also",
        "just",
        "than",
        "then",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "which",
        "who",
        "whom",
        "what",
        "when",
        "where",
        "why",
        "how",
    ]
)
# Other ways of writing the same thing, brought to one form before texts are compared.
ABBREVIATIONS: list[tuple[str, str]] = [
    (r"\b(?:chief executive(?: officer)?|managing director|ceo)\b", "dg"),
    (r"\b(?:chief information officer|cio|it department)\b", "dsi"),
    (r"\b(?:chief financial officer|cfo|finance department)\b", "daf"),
]
