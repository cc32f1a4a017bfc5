"""`update check`'s French lexicons (data only; see meptool.updates.check_patterns).

Patterns read normalised text: lower case, straight apostrophes, single spaces.
"""

from __future__ import annotations

from meptool.updates.check_patterns import Lexicon

_NOTRE = r"(?:notre|nos|la n[ôo]tre|les n[ôo]tres)"
_THIRD = (
    r"(?:h[ée]bergeur|prestataire|partenaire|fournisseur|[ée]diteur|sous-traitant|op[ée]rateur"
    r"|banque|tiers|cloud|datacenter|centre de donn[ée]es|aws|ovh|azure|google|infog[ée]reur"
    r"|int[ée]grateur|[ée]quipe (?:du|de l'|de la) (?:client|partenaire|prestataire))"
)
_DET = (
    r"(?:(?:chez |de |du |de l'|de la |des |à |au |à l'|à la |aux )?"
    r"(?:notre |nos |l'|le |la |les |un |une |leur )?)"
)

LEXICONS: dict[str, Lexicon] = {
    "own": Lexicon(
        patterns=(
            r"\b(?:c'est|c'était|il s'agit d'|il s'agissait d')\s*(?:bien |entièrement "
            r"|clairement )?"
            r"(?:une |la |de )?(?:notre|nos) (?:faute|erreur|responsabilité|fait|échec"
            r"|défaillance)",
            r"\b(?:c'est|c'était) (?:bien |entièrement )?(?:nous|la nôtre|de notre fait)\b",
            r"\b(?:cette|l') ?(?:erreur|faute|défaillance|responsabilité) (?:est|était|reste) "
            r"(?:bien |entièrement )?(?:la nôtre|notre|de notre fait|à nous)",
            r"\b(?:l'erreur|la faute|cette erreur|cette faute) nous (?:revient|incombe)",
            r"\bnous (?:en )?(?:assumons|prenons|portons|endossons|reconnaissons|acceptons)"
            r"(?: pleinement| entièrement| toute| l'entière| totalement)* (?:la |toute la "
            r"|l'entière |"
            r"notre |cette |l'|les |nos )?(?:responsabilité|erreur|faute|défaillance|torts?"
            r"|conséquences|échec|régression)",
            r"\bnous (?:en )?(?:assumons|prenons|portons) (?:pleinement |entièrement |toute )?"
            r"(?:la )?responsabilité",
            r"\bnous (?:l')?(?:assumons|reconnaissons) (?:pleinement|entièrement|sans réserve)",
            r"\bnous (?:sommes|nous sentons) (?:pleinement |entièrement |seuls |bien )?"
            r"(?:responsables|fautifs|en cause|à l'origine)",
            r"\bnotre (?:entière |pleine )?responsabilité (?:est|reste) (?:pleinement "
            r"|entièrement )?"
            r"engagée",
            r"\b(?:je suis|nous sommes) (?:sincèrement |vraiment |profondément |très )?"
            r"désolée?s?\b",
            r"\b(?:je|nous) (?:vous )?(?:présente|présentons|adresse|adressons|renouvelle"
            r"|renouvelons) (?:toutes )?(?:nos|mes) (?:plus )?(?:sincères |plates )?excuses",
            r"\b(?:je|nous) (?:vous )?(?:prie|prions) de (?:bien vouloir )?(?:nous |m')excuser",
            r"\bnous (?:nous )?excusons\b|\bje m'excuse\b|\btoutes nos excuses\b"
            r"|\b(?:nos|mes) excuses\b",
            r"\bnous (?:avons|aurions) (?:failli|manqué|commis une erreur|fait une erreur|échoué)",
            r"\bnous n'avons pas (?:été à la hauteur|assez testé|suffisamment testé|testé|vérifié"
            r"|su|anticipé|détecté)",
            r"\bnous avons (?:oublié|négligé|sous-estimé|mal (?:testé|évalué|vérifié|anticipé))",
            r"\b(?:vient|provient|résulte|découle) (?:directement |bien )?(?:de|d') ?(?:notre|nos) "
            r"(?:livraison|mise en production|version|code|erreur|équipe|travail|développement"
            r"|changement|modification|recette|tests?)",
            r"\b(?:notre|nos) (?:livraison|mise en production|version|équipe|changement|"
            r"modification|code) (?:a|ont) (?:introduit|causé|provoqué|créé|cassé)",
            r"\bnous (?:avons )?(?:introduit|provoqué|causé|cassé)\b",
            r"\b(?:à tort|mea culpa)\b|\bnous avons eu tort\b",
            r"\bsans (?:chercher d'excuses?|nous défausser|détour)",
            r"\b(?:une |la )?(?:faute|erreur|défaillance) de notre part\b",
            r"\bnous n'avons (?:aucune|pas d') ?excuses?\b",
            r"\bnous aurions dû\b",
            r"\b(?:relève|dépend|est) (?:entièrement |pleinement |bien )?de notre responsabilité",
            r"\b(?:je suis|nous sommes) (?:sincèrement |vraiment |profondément |très )?"
            r"navrée?s?\b|\bnous (?:le )?regrettons (?:profondément|sincèrement|vivement)",
        ),
        examples=(
            "C'est notre faute, et nous en sommes sincèrement désolés.",
            "Nous assumons pleinement cette défaillance.",
            "Nous sommes responsables de cet incident.",
            "Cette régression vient de notre livraison ; nous la corrigeons en priorité.",
            "C'est notre erreur : nous en prenons la responsabilité.",
            "Nous en assumons l'entière responsabilité.",
            "Cette erreur est la nôtre.",
            "Nous avons failli à notre engagement de qualité.",
            "C'est nous qui avons introduit ce défaut.",
            "Je vous renouvelle nos excuses pour la gêne occasionnée.",
            "Nous vous présentons toutes nos excuses.",
            "Nous reconnaissons notre erreur.",
            "Je suis désolée pour la gêne occasionnée.",
            "Nous n'avons pas assez testé ce cas.",
            "Notre mise en production a introduit une erreur.",
            "L'erreur nous revient entièrement.",
            "Nous prenons toute la responsabilité de cette régression.",
            "Notre responsabilité est pleinement engagée.",
        ),
        counterexamples=(
            "Le service fonctionne de nouveau normalement.",
            "Nous avons reconnu l'incident auprès de Maison Dupont.",
            "Nous corrigeons la règle de paiement.",
            "Les paiements passent à nouveau.",
        ),
    ),
    "deny": Lexicon(
        patterns=(
            r"\b(?:ce|cela|ça|il|elle|l'incident|le problème|l'erreur|la panne)"
            r" n'(?:est|était|a été) (?:en rien |nullement |absolument |aucunement |pas du tout )?"
            r"(?:pas )?(?:(?:de |due? à )?(?:notre|nos) (?:faute|erreur|fait|responsabilité|"
            r"équipes?|code|livraison)|(?:de notre fait|imputable à (?:notre|nos)|de notre ressort)"
            r"|nous|(?:la|à) nous)\b",
            r"\bnous ne sommes (?:en rien |nullement |aucunement |absolument )?(?:pas )?"
            r"(?:responsables|en cause|fautifs|à l'origine|à blâmer|concernés par (?:la|cette) "
            r"(?:faute|erreur))",
            r"\bnous ne (?:pouvons|saurions) (?:en )?être tenus (?:pour )?responsables",
            r"\bnous ne (?:reconnaissons|acceptons|prenons) (?:aucune|pas (?:la|de|notre))"
            r" ?(?:responsabilité|faute|erreur|torts?)",
            r"\baucune (?:faute|erreur|responsabilité|négligence) (?:n'a été commise )?de notre "
            r"(?:part|côté)",
            r"\bnous n'y sommes pour rien\b|\bnous n'avons (?:commis )?aucune (?:faute|erreur)",
            r"\bnous déclinons (?:toute|notre) responsabilité",
            r"\bla (?:responsabilité|faute) ne (?:nous )?(?:incombe|revient) pas",
            r"\bnotre responsabilité n'est pas engagée",
            r"\bnous n'avons rien (?:à nous reprocher|fait de mal)",
            r"\bpas (?:de |d'une )?(?:faute|erreur) de notre part\b",
            r"\bnous ne sommes pas (?:la cause|à l'origine)",
            r"\bn(?:e |')(?:\S+ ){1,2}?(?:pas|nullement|aucunement|en rien|jamais) (?:\S+ ){0,3}?"
            r"(?:notre|nos) (?:responsabilité|faute|erreur|fait|côté|ressort|part|équipes?)\b",
            r"\bne (?:sommes|sont|est) (?:nullement|aucunement|en rien|pas) en cause",
        ),
        examples=(
            "Ce n'est pas notre erreur : le partenaire a changé son interface.",
            "Ce n'est pas de notre faute.",
            "Nous ne sommes pas responsables de cette panne.",
            "L'incident n'est en rien imputable à nos équipes.",
            "Aucune faute de notre part n'est à déplorer.",
            "Nous n'y sommes pour rien.",
            "Nous déclinons toute responsabilité dans cet incident.",
            "Ce n'est pas nous, c'est l'hébergeur.",
            "Notre responsabilité n'est pas engagée.",
            "Nous ne pouvons être tenus pour responsables de cette coupure.",
            "Cette panne ne relève pas de notre responsabilité.",
            "L'erreur n'est pas de notre côté.",
        ),
        counterexamples=(
            "C'est notre erreur et nous en prenons la responsabilité.",
            "Ce n'est pas encore résolu.",
            "Nous ne savons pas encore si la correction couvre tous les cas.",
            "Ce n'est pas la faute du partenaire : c'est la nôtre.",
        ),
    ),
    "deflect": Lexicon(
        patterns=(
            rf"\b(?:la )?(?:faute|responsabilité|erreur) (?:en )?(?:incombe |revient |est |vient )?"
            rf"{_DET}{_THIRD}",
            rf"\b(?:causée?s?|provoquée?s?|déclenchée?s?|due?s?|imputables?|liée?s?) "
            rf"(?:uniquement |entièrement |exclusivement )?(?:par |à )(?:une? (?:panne|erreur|"
            rf"défaillance|changement|incident|problème) )?{_DET}{_THIRD}",
            rf"\bà cause (?:d'une? (?:panne|erreur|défaillance|changement) )?{_DET}{_THIRD}",
            rf"\b(?:vient|provient|relève) (?:entièrement |uniquement )?(?:d'une? (?:panne|erreur|"
            rf"défaillance|changement) )?{_DET}{_THIRD}",
            rf"\bc'est (?:une|la) (?:panne|erreur|défaillance|faute|coupure) {_DET}{_THIRD}",
            r"\b(?:indépendante?s? de notre volonté|hors de notre (?:contrôle|périmètre|ressort)"
            r"|échappe à notre contrôle)",
            rf"\b{_THIRD} (?:est|était|serait) (?:seul )?(?:responsable|en cause|fautif)",
        ),
        examples=(
            "L'incident est la faute de notre hébergeur.",
            "La panne a été causée par notre prestataire de paiement.",
            "Le problème est dû à une erreur de l'éditeur.",
            "Cet incident, indépendant de notre volonté, a touché le paiement.",
            "L'hébergeur est seul responsable de cette coupure.",
            "La coupure vient d'une panne chez notre hébergeur.",
        ),
        counterexamples=(
            "Nous avons prévenu notre hébergeur.",
            "Le partenaire de paiement nous a confirmé la correction.",
            "C'est notre erreur.",
        ),
    ),
    "blame_verb": Lexicon(
        note="follows a person of the team (within a few words): the person is the subject",
        patterns=(
            r"\b(?:a|ont|avait|avaient) (?:complètement |totalement )?(?:oublié|omis|négligé|cassé"
            r"|raté|mal (?:testé|fait|configuré|codé|vérifié|relu|compris)|sauté|ignoré|bâclé)",
            r"\b(?:n'a|n'ont|n'avait|n'avaient) (?:pas|jamais) (?:testé|vérifié|validé|relu|vu"
            r"|prévenu|fait|pensé|suivi|respecté|signalé|anticipé|contrôlé|lancé|lu)",
            r"\b(?:s'est|se sont|s'était) (?:trompée?s?|planté|emmêlé)",
            r"\b(?:a|ont) (?:fait|commis) (?:une |des |l')?(?:erreurs?|fautes?|bêtises?"
            r"|boulettes?)",
            r"\b(?:a|ont) (?:supprimé|effacé|déployé|poussé|modifié|écrasé) (?:\S+ ){0,4}?"
            r"par (?:erreur|mégarde|inadvertance)",
            r"\b(?:est|sont) (?:responsables? de l'(?:erreur|incident|oubli)|fautifs?|en faute)",
            r"\baurai(?:t|ent) dû (?:tester|vérifier|voir|prévenir|relire|valider)",
        ),
        examples=(
            "Paul a oublié de lancer les tests.",
            "Paul n'a pas vérifié la configuration.",
            "Karim s'est trompé de fichier.",
            "Sophie a supprimé la table par erreur.",
            "Benali a fait une erreur de configuration.",
        ),
        counterexamples=(
            "Karim Benali corrige la règle 3-D Secure.",
            "Sophie a ajouté des cartes étrangères aux tests.",
            "Karim n'a pas encore terminé la correction.",
        ),
    ),
    "blame_noun": Lexicon(
        note="precedes a person of the team: 'erreur de Paul'",
        patterns=(
            r"\b(?:erreur|faute|oubli|négligence|bévue|boulette|maladresse|bêtise|inattention)s? "
            r"(?:commises? )?(?:de|d'|par)\s*$",
            r"\b(?:à cause|par la faute) (?:de|d')\s*$",
            r"\b(?:la|l') (?:faute|erreur|responsabilité) (?:en )?(?:est|revient|incombe) "
            r"(?:à|de)\s*$",
        ),
        examples=("L'erreur de ", "C'est à cause de ", "par la faute de ", "un oubli de "),
        counterexamples=("La correction de ", "Le message de "),
    ),
    "blame_passive": Lexicon(
        note="precedes a person of the team: 'oublié par Paul'",
        patterns=(
            r"\b(?:oubliée?s?|omise?s?|négligée?s?|cassée?s?|ratée?s?|bâclée?s?|mal (?:faite?s?|"
            r"testée?s?|configurée?s?|relue?s?)|supprimée?s? par erreur|causée?s?|provoquée?s?"
            r"|introduite?s?) (?:\S+ ){0,2}?par\s*$",
        ),
        examples=("La recette a été oubliée par ", "Le test a été bâclé par "),
        counterexamples=("La correction a été faite par ", "Le correctif est suivi par "),
    ),
    "client_blame": Lexicon(
        patterns=(
            r"\bvos (?:équipes?|services?|collaborateurs|collaboratrices|développeurs|testeurs"
            r"|utilisateurs|prestataires?|experts?|responsables?) (?:\S+ ){0,3}?(?:n'ont (?:pas|"
            r"jamais)|ont (?:oublié|omis|négligé|tardé|mal)|auraient dû|se sont trompés"
            r"|n'avaient pas)",
            r"\bvotre (?:équipe|service|prestataire|recette|validation|responsable) (?:\S+ ){0,3}?"
            r"(?:n'a (?:pas|jamais)|a (?:oublié|omis|négligé|tardé|échoué|mal)|aurait dû"
            r"|s'est trompée?)",
            r"\bvous n'avez (?:pas|jamais) (?:validé|testé|vérifié|signalé|fourni|transmis|prévenu"
            r"|répondu|lu|respecté|fait|relu|recetté|suivi)",
            r"\bvous (?:auriez dû|avez oublié|avez omis|avez tardé|vous êtes trompés?)",
            r"\b(?:de votre (?:faute|fait)|votre (?:faute|erreur))\b",
            r"\b(?:faute|manque|absence|défaut) de (?:validation|recette|réponse|retour|tests?) "
            r"(?:de votre part|de vos équipes|de votre côté)",
            r"\b(?:à cause|en raison|du fait) (?:de votre|de vos) (?:équipes?|erreur|retard|"
            r"validation|recette|absence|manque)",
            r"\b(?:vient|provient|résulte) (?:de votre|de vos) (?:côté|équipes?|erreur|recette|"
            r"validation|demande)",
        ),
        examples=(
            "Vos équipes n'ont pas validé la recette.",
            "Vous n'avez pas testé la version avant la mise en production.",
            "Faute de validation de votre part, la version est partie en production.",
            "Votre équipe a tardé à répondre.",
            "C'est à cause de votre recette incomplète.",
        ),
        counterexamples=(
            "Pouvez-vous me confirmer votre accord ?",
            "Vos équipes peuvent de nouveau encaisser les paiements.",
            "Vous n'avez rien à faire de votre côté.",
        ),
    ),
    "known": Lexicon(
        patterns=(
            r"\bce que nous savons\b",
            r"\bnous savons (?:désormais |maintenant |aujourd'hui )?(?:que|qu'|ce)",
            r"^(?:état des lieux|point de situation|la situation|les faits|ce qui s'est passé"
            r"|à ce stade|à cette heure|ce qui est établi|ce qui est acquis|en bref)\b",
            r"\boù nous en sommes\b",
            r"\b(?:nous avons (?:établi|constaté|identifié|confirmé))",
        ),
        examples=("Ce que nous savons", "À ce stade, les paiements passent à nouveau."),
        counterexamples=("Ce que nous faisons",),
    ),
    "unknown": Lexicon(
        patterns=(
            r"\b(?:nous )?ne (?:savons|connaissons|comprenons|mesurons) pas encore",
            r"\bce que nous ne savons pas\b",
            r"\b(?:reste|restent|resteront) à (?:confirmer|vérifier|établir|déterminer|comprendre"
            r"|préciser|mesurer|éclaircir|élucider)",
            r"\bce qui reste à (?:confirmer|vérifier|établir|déterminer|comprendre|préciser)",
            r"\b(?:pas encore|toujours pas) (?:connue?s?|établie?s?|confirmée?s?|identifiée?s?"
            r"|déterminée?s?|mesurée?s?|certaine?s?|claire?s?)",
            r"\b(?:en cours d'(?:analyse|investigation|évaluation|examen|étude))",
            r"\bnous (?:ignorons|cherchons encore|vérifions encore|n'excluons pas)",
            r"\b(?:inconnue?s?|incertaine?s?|zones? d'ombre|questions? ouvertes?)\b",
            r"\b(?:plus aucune|aucune) (?:zone d'ombre|question (?:ouverte|en suspens)|inconnue)",
            r"\btout est (?:désormais |maintenant )?(?:connu|établi|confirmé)",
        ),
        examples=(
            "Ce que nous ne savons pas encore",
            "Ce qui reste à confirmer",
            "La durée exacte de la correction reste à préciser.",
            "Il ne reste plus aucune zone d'ombre.",
        ),
        counterexamples=("Ce que nous savons", "La cause est identifiée."),
    ),
    "actions": Lexicon(
        patterns=(
            r"\bce que nous faisons\b|\bplan d'actions?\b|\bactions? (?:en cours|engagées?"
            r"|correctives?|prévues?)",
            r"\bnous (?:corrigeons|travaillons|mettons en place|préparons|déployons|ajoutons"
            r"|renforçons|vérifions|avons (?:corrigé|mis en place|ajouté|déployé|rétabli))",
            r"\b(?:pour corriger|pour que cela ne se reproduise pas|prochaines étapes)\b",
        ),
        examples=("Ce que nous faisons", "Nous corrigeons la règle de paiement."),
        counterexamples=("Ce que nous savons",),
    ),
    "schedule": Lexicon(
        patterns=(
            r"\b(?:délai|décal\w*|retard\w*|calendrier|planning|budget\w*|livraison|échéance"
            r"|surcoût|coût|prise en charge|jours? (?:de travail|supplémentaires?|pris en charge)"
            r"|date de (?:livraison|mise en service))",
        ),
        examples=("Cet incident décale la livraison de 3 jours.", "Côté budget : 3,5 jours."),
        counterexamples=("Le service fonctionne de nouveau.",),
    ),
    "agreement": Lexicon(
        patterns=(
            r"\b(?:accord|valid\w*|confirm\w*|approu\w*|approb\w*|aval|feu vert|consentement"
            r"|acceptez|accepter|acceptation|convient|conviennent)\b",
        ),
        examples=("Pouvez-vous me confirmer votre accord ?",),
        counterexamples=("Le service fonctionne de nouveau.",),
    ),
    "ask": Lexicon(
        patterns=(
            r"\?",
            r"\b(?:pouvez|pourriez|voulez|voudriez)-vous\b",
            r"\b(?:merci de|je vous (?:remercie|serais reconnaissante?) de|je vous (?:propose|"
            r"demande|invite)|nous vous (?:proposons|demandons|invitons)|j'attends votre"
            r"|dans l'attente de votre|sous réserve de votre|soumettons à votre|soumets à votre)",
        ),
        examples=("Pouvez-vous me confirmer votre accord ?", "Merci de valider ce calendrier."),
        counterexamples=("Le calendrier est inchangé.",),
    ),
    "next_update": Lexicon(
        patterns=(
            r"\b(?:prochain|nouveau|prochaine|nouvelle) (?:point|mise à jour|message|nouvelles"
            r"|bilan|compte rendu|compte-rendu|information|courriel|e-mail|mail)\b",
            r"\bje (?:vous )?(?:reviens|reviendrai) vers vous|\bje reviens vers vous"
            r"|\bnous reviendrons vers vous",
            r"\bje vous (?:écrirai|tiendrai informée?|recontacterai|ferai|adresserai|enverrai"
            r"|transmettrai|rappellerai|redonnerai)",
            r"\bnous vous (?:écrirons|tiendrons informés?|recontacterons|ferons|adresserons"
            r"|enverrons|transmettrons)",
            r"\bvous aurez (?:de nos nouvelles|un (?:nouveau )?point)",
        ),
        examples=(
            "Je vous ferai un nouveau point aujourd'hui à 10 h 00.",
            "Je vous adresserai d'ici le mardi 24 novembre le bilan complet.",
            "Prochain point",
        ),
        counterexamples=("Le service fonctionne de nouveau.",),
    ),
    "when": Lexicon(
        patterns=(
            r"\b\d{1,2} ?h(?: ?\d{2})?\b|\b\d{1,2}:\d{2}\b",
            r"\b(?:aujourd'hui|demain|ce soir|ce matin|cet après-midi|cette nuit|dans l'heure"
            r"|d'ici (?:\d+|une|deux|trois) ?(?:h|heures?|jours?|minutes?)|dans (?:\d+|une|deux"
            r"|trois) (?:heures?|jours?|minutes?))\b",
            r"\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b",
            r"\b\d{1,2}(?:er)? (?:janvier|février|mars|avril|mai|juin|juillet|août|septembre"
            r"|octobre|novembre|décembre)\b",
            r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b",
        ),
        examples=("aujourd'hui à 10 h 00", "d'ici le mardi 24 novembre", "demain matin"),
        counterexamples=("bientôt",),
    ),
    "call": Lexicon(
        patterns=(
            r"\b(?:appel|appels|appelle|appeler|appellerai|rappelle|rappeler|rappellerai)\b",
            r"\b(?:vive voix|par téléphone|au téléphone|visio\w*"
            r"|rendez-vous|rencontrer|réunion|point téléphonique|nous voir)\b",
        ),
        examples=("je vous appelle pour faire le point de vive voix",),
        counterexamples=("Je vous écrirai demain.", "Vous pouvez me joindre au 01 23 45 67 89."),
    ),
    "jargon": Lexicon(
        note="words for engineers; HTTP status codes and identifiers are in meptool.updates.check",
        patterns=(
            r"\b(?:api|apis|endpoint|webhook|back-?end|front-?end|micro-?services?|pods?|k8s"
            r"|kubernetes|docker|conteneurs?|containers?|cluster|redis|postgres(?:ql)?|mysql"
            r"|mongodb|kafka|rabbitmq|elasticsearch|nginx|haproxy|load[- ]balancer"
            r"|circuit[- ]breaker|oom|heap|deadlock|race condition|rollback|roll-back|hotfix"
            r"|hot-fix|commits?(?! to\b)|merge(?! (?:with|into)\b)|pull request|merge request"
            r"|pipeline|ci/cd|build|staging"
            r"|préprod|pré-production|sql|dns|cdn|timeout|time-out|cache|http|json|yaml|xml"
            r"|regex|stack ?trace|logs|refactor\w*|cron|crontab|feature flag|git|npm|ssh"
            r"|fuite mémoire|dump|replica|réplica|failover|sharding|scheduler|batch)\b",
            r"\bmep\b(?!-\d)",
            r"\bexception (?:levée|non (?:gérée|capturée))",
        ),
        examples=(
            "Le pod k8s a été OOMKilled.",
            "Une 502 renvoyée par le microservice.",
            "Nous avons fait un rollback du commit fautif.",
            "après la MEP 2.3.0",
        ),
        counterexamples=(
            "Incident MEP-2026-001",
            "Le paiement fonctionne de nouveau.",
            "à l'exception des cartes françaises",
        ),
    ),
    "secret_label": Lexicon(
        patterns=(
            r"\b(?:mdp|mot de passe|mots de passe|pwd|passwd|pass|passphrase|secret|jeton|token"
            r"|clé (?:api|d'api|secrète|privée)|identifiants?|login)\s*(?:[:=]|est|:=)\s*",
        ),
        examples=("mdp : Azerty123", "le mot de passe est Sup3r!"),
        counterexamples=("Nous avons réinitialisé le mot de passe.",),
    ),
}

# Words that say nothing of what a text is about (for the comparison of texts).
STOPWORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "l",
        "un",
        "une",
        "des",
        "du",
        "de",
        "d",
        "au",
        "aux",
        "à",
        "a",
        "et",
        "ou",
        "mais",
        "donc",
        "or",
        "ni",
        "car",
        "ce",
        "cet",
        "cette",
        "ces",
        "c",
        "ça",
        "cela",
        "ceci",
        "il",
        "elle",
        "ils",
        "elles",
        "on",
        "nous",
        "vous",
        "je",
        "j",
        "me",
        "m",
        "te",
        "t",
        "se",
        "s",
        "lui",
        "leur",
        "leurs",
        "eux",
        "mon",
        "ma",
        "mes",
        "ton",
        "ta",
        "tes",
        "son",
        "sa",
        "ses",
        "notre",
        "nos",
        "votre",
        "vos",
        "qui",
        "que",
        "qu",
        "quoi",
        "dont",
        "où",
        "y",
        "en",
        "ne",
        "n",
        "pas",
        "plus",
        "moins",
        "très",
        "trop",
        "bien",
        "tout",
        "tous",
        "toute",
        "toutes",
        "avec",
        "sans",
        "pour",
        "par",
        "sur",
        "sous",
        "dans",
        "chez",
        "vers",
        "entre",
        "depuis",
        "pendant",
        "avant",
        "après",
        "est",
        "sont",
        "été",
        "être",
        "était",
        "étaient",
        "ont",
        "avons",
        "avez",
        "avait",
        "ai",
        "as",
        "sera",
        "seront",
        "fait",
        "faire",
        "comme",
        "aussi",
        "déjà",
        "encore",
        "alors",
        "ainsi",
        "si",
        "même",
        "chaque",
    ]
)
# Other ways of writing the same thing, brought to one form before texts are compared.
ABBREVIATIONS: list[tuple[str, str]] = [
    (r"\b(?:direction générale|directeur général|directrice générale|pdg)\b", "dg"),
    (r"\b(?:direction (?:des )?systèmes d'information|direction informatique)\b", "dsi"),
    (r"\b(?:direction (?:administrative et )?financière|directeur financier)\b", "daf"),
    (r"\bmise en production\b", "mep"),
]
