# Tableau de bord aman — français.
# Chaque texte de l'interface est ici, dans en.ftl et dans ar.ftl, sous les mêmes
# identifiants (un test le vérifie). Les décomptes prennent $n et la forme plurielle CLDR.

app-name = aman
app-tagline = Sécurité des foules, opérations

## Langues (chacune nommée dans sa propre langue)
lang-fr = Français
lang-ar = العربية
lang-en = English
lang-choose = Langue

## Heures : enregistrées en UTC, affichées à l'heure locale des deux forces
tz-paris = Paris
tz-casablanca = Casablanca
time-pair = { $paris } { tz-paris } · { $casablanca } { tz-casablanca }
date-time-pair = { $paris } ({ tz-paris }) · { $casablanca } ({ tz-casablanca })

## Décomptes
alerts-open = { $n ->
    [one] { $n } alerte ouverte
    [many] { $n } d’alertes ouvertes
   *[other] { $n } alertes ouvertes
}
persons = { $n ->
    [one] { $n } personne
    [many] { $n } de personnes
   *[other] { $n } personnes
}

## Rapport de la journée (aman_report::day) : une page imprimable d’une journée d’exploitation
day-title = Rapport de la journée
day-utc-day = Jour UTC
day-local-times = Heures locales
day-from = de
day-to = à
day-made = Rapport établi
day-zones = Zones
day-no-zones = Le site n’a aucune zone.
day-peak-occupancy = Occupation maximale
day-peak-density = Densité maximale
day-peak-time = Heure du maximum
day-worst-los = Pire niveau de service
day-time-los-e = Durée au niveau E
day-time-los-f = Durée au niveau F
day-unit-density = pers./m²
day-unit-hmm = h:mm
day-chart-title = Densité au cours de la journée
day-chart-axis = heure (UTC)
day-threshold = Seuil
day-no-readings = Aucune mesure ce jour.
day-gates = Portes et lignes de comptage
day-no-gates = Le site n’a ni porte ni ligne de comptage.
day-gate = Porte ou ligne
day-in = Entrées
day-out = Sorties
day-alerts = Alertes
day-no-alerts = Aucune alerte ce jour.
day-alert-zone = Zone
day-alert-rule = Règle
day-alert-severity = Gravité
day-alert-raised = Déclenchée
day-alert-acknowledged = Prise en compte
day-alert-resolved = Levée
day-alert-verdict = Verdict
day-severity-extreme = Extrême
day-severity-severe = Grave
day-severity-moderate = Modérée
day-severity-minor = Mineure
day-verdict-true = Vraie alerte
day-verdict-false = Fausse alerte
day-verdict-none = Pas encore de verdict
day-not-yet = —
day-method = Niveaux de service selon Fruin (1971). Chaque mesure vaut jusqu’à la suivante : les durées aux niveaux E et F sont des sommes de ces paliers, et une interruption des mesures ne compte pour aucun niveau. Occupation = densité × surface de la zone.
day-alert-count = { $n ->
    [one] { $n } alerte
    [many] { $n } d’alertes
   *[other] { $n } alertes
}
alerts-listed = { $n ->
    [one] { $n } alerte affichée
    [many] { $n } d’alertes affichées
   *[other] { $n } alertes affichées
}

## Tableau de bord : navigation et en-tête
nav-map = Carte
nav-alerts = Alertes
nav-sensors = Capteurs
nav-report = Rapport du jour
logout = Se déconnecter
live-connected = En direct
live-reconnecting = Reconnexion…
live-changed = Modifié depuis le chargement de la page : rechargez-la pour agir
not-found = Page introuvable
error-csrf = Ce formulaire a expiré (vous vous êtes reconnecté, ou dans une autre fenêtre). Rechargez la page et recommencez.
error-forbidden = Votre rôle ne permet pas cette action.
error-conflict = Cette action n’est plus possible : la situation a changé entre-temps. Rechargez la page.
error-too-large = Ce que vous avez envoyé est trop long.
error-too-many = Trop de tentatives : patientez un instant et recommencez.
error-bad-request = Ce que vous avez envoyé est illisible. Rechargez la page et recommencez.
error-unavailable = Le serveur ne peut pas le faire pour le moment : réessayez dans un instant.
error-back = Retour

## Connexion
login-title = Connexion
login-name = Identifiant
login-password = Mot de passe
login-submit = Se connecter
login-error-bad-credentials = Identifiant ou mot de passe incorrect.
login-error-locked = Trop d’échecs : ce compte est verrouillé pendant 15 minutes. Un administrateur peut le déverrouiller.
login-error-rate-limited = Trop de tentatives depuis ce poste. Attendez une minute et réessayez.

## Erreurs de formulaire
form-error-too-long = Ce texte est trop long.
form-error-bidi = Ce texte contient des caractères invisibles de contrôle du sens d’écriture ; retirez-les.
form-error-control = Ce texte contient des caractères de contrôle ; retirez-les.
form-error-markup = Les balises (texte entre chevrons) ne sont pas admises dans ce texte.
form-error-language = Choisissez le français, l’arabe ou l’anglais.
form-error-choice = Ce choix ne figure pas dans la liste.
form-error-verdict-empty = Choisissez un verdict.

## Carte
map-zoom-in = Zoom avant
map-zoom-out = Zoom arrière
map-zoom-reset = Site entier
map-heat = Carte de chaleur des densités
legend = Niveaux de service (Fruin)
los-a = A : circulation libre
los-b = B : gênes mineures
los-c = C : vitesse réduite
los-d = D : la plupart ralentis
los-e = E : piétinement, contacts fréquents
los-f = F : critique, le flux s’effondre
flow-in-out = entrées { $inflow } · sorties { $outflow } /min
live-alerts = Alertes en direct
live-alerts-none = Aucune alerte.
zones = Zones
zone = Zone
los = Niveau de service
density-unit = Densité (pers./m²)
occupancy = Occupation (personnes)
capacity = Capacité (personnes)
pressure-unit = Pression (1/s²)

## Alertes
rule = Règle
status = État
severity = Gravité
verdict = Verdict
cap = CAP
actions = Actions
filter-all = Toutes
filter-apply = Filtrer
alert-sound = Son à chaque nouvelle alerte
alert-raised-at = Levée à
alert-acknowledge = Acquitter
acknowledged-by = acquittée par { $who }
alert-resolve = Résoudre
resolved-by = résolue par { $who }
status-open = Ouverte
status-acknowledged = Acquittée
status-resolved = Résolue
severity-extreme = Extrême
severity-severe = Grave
severity-moderate = Modérée
severity-minor = Mineure
measure-density = Densité
measure-los = Niveau de service
measure-pressure = Pression de foule
measure-occupancy = Occupation
measure-specific_flow = Débit spécifique
measure-stale = Capteur muet
measure-unknown = Règle inconnue
verdict-choose = Verdict…
verdict-true-positive = Alerte fondée
verdict-false-positive = Fausse alerte
verdict-note = Note (facultative)
verdict-save = Enregistrer le verdict
cap-message = Message CAP { $num }

## Capteurs
sensor = Capteur
sensor-adapter = Type
sensor-health = État
sensor-last-reading = Dernière mesure
sensor-since = Muet depuis
sensor-period = Période
sensor-readings = Mesures
sensor-late = En retard
sensor-duplicates = Doublons et remises à zéro
sensor-refused = Envois refusés
health-live = actif
health-stale = muet
never = jamais
seconds-ago = { $s } s
period-s = { $s } s

## Page d’une zone
chart-axis-note = Heures : Paris (ligne du haut) et Casablanca (ligne du bas).
chart-last-30-min = Dernières 30 minutes
chart-today = Aujourd’hui (depuis minuit, heure de Paris)
chart-occupancy = Occupation (personnes)
chart-density = Densité (pers./m²)
chart-los = Niveau de service
chart-flow = Débit aux portes (pers./min)
chart-pressure = Pression de foule (1/s²)
threshold-raise = alerte à { $value }
threshold-clear = fin à { $value }
no-data = Pas de données
day-bad-date = Ce n’est pas un jour : donnez la date sous la forme AAAA-MM-JJ.
day-not-begun = Ce jour n’a pas commencé : le rapport couvre les jours jusqu’à aujourd’hui (UTC).
day-today = Le rapport d’aujourd’hui

## forecast
nav-forecast = Prévision
forecast-title = Prévision : les 10 prochaines minutes
forecast-model-note = Modèle de réseau du site (transmission par cellules entre les zones et les portes), à partir des occupations et des débits en direct, recalculé toutes les 5 secondes. Une prévision, pas une mesure.
forecast-zone-title = Prévision : 10 prochaines minutes
forecast-off = Pas de prévision pour ce site : ses portes ne relient pas ses zones en un réseau.
forecast-pending = La première prévision est en cours de calcul.
forecast-computed = Calculée à { $time }
forecast-what-if-link = Et si… ? (fermer une porte, évacuer une zone)
forecast-reached-now = atteint maintenant
forecast-reached-in = dans { $min } min { $sec } s ({ $time })
forecast-not-within = pas dans les { $min } prochaines minutes
forecast-los-e = Niveau de service E (dès { $value } pers./m²)
forecast-rule = Règle { $rule } ({ $value } pers./m²)
forecast-none = –
forecast-seconds = { $s } s
forecast-chart-label = prévision ({ $min } min)
forecast-col-zone = Zone
forecast-col-now = Densité actuelle (pers./m²)
forecast-col-peak = Pic (pers./m²)
forecast-col-los-e = Niveau E atteint
forecast-col-above = Durée en E ou F
forecast-col-clear = Vide après
forecast-queue = { $gate } : { $persons } personnes en attente dans 10 minutes
forecast-queues = Files d'attente aux portes
forecast-unknown = Inconnu de la prévision (pris comme nul ou non mesuré)
what-if-title = Et si… ?
what-if-help = Choisissez un changement et voyez, zone par zone, ce qu'il change par rapport à ne rien faire sur les 10 prochaines minutes. Rien n'est changé sur le site.
what-if-not-allowed = Votre rôle consulte la prévision ; les scénarios « et si » sont réservés aux commandants, opérateurs, analystes, formateurs et administrateurs.
what-if-kind = Changement
what-if-kind-choose = Choisir…
what-if-close = Fermer une porte
what-if-open = Ouvrir une porte fermée
what-if-hold = Retenir une porte fermée un temps
what-if-evacuate = Évacuer une zone
what-if-target = Porte ou zone
what-if-target-choose = Choisir…
what-if-gates = Portes
what-if-zones = Zones
what-if-seconds = Durée de retenue (s)
what-if-submit = Calculer
what-if-result = Avec { $change }, par rapport à ne rien faire
what-if-col-peak = Densité de pic (pers./m²)
what-if-col-above = Durée en E ou F (s)
what-if-col-above-f = Durée en F (s)
what-if-col-clear = Vide après
what-if-queue = { $gate } : { $base } → { $persons } personnes en attente dans 10 minutes
what-if-error-kind = Choisissez un changement.
what-if-error-target = Choisissez une porte ou une zone.
what-if-error-unknown-gate = Ce site n'a pas cette porte : choisissez-en une dans la liste.
what-if-error-unknown-zone = Ce site n'a pas cette zone : choisissez-en une dans la liste (seule une zone peut être évacuée).
what-if-error-seconds = Donnez la durée de retenue en secondes, un nombre entier de 1 à 86400.
what-if-change = { $change } : { $target }
what-if-change-hold = { $change } : { $target }, { $s } s
forecast-unknown-occupancy = zone { $id } : occupation inconnue
forecast-unknown-flow = porte { $id } : débit non mesuré
forecast-unknown-stale = capteur { $id } : silencieux depuis trop longtemps
forecast-band-stale = Zone ombrée : l’étendue possible de la prévision, les capteurs { $sensors } étant silencieux depuis au moins { $seconds } s.
forecast-band-missing = Zone ombrée : l’étendue possible de la prévision, certaines de ses entrées n’étant pas mesurées.

## Exercices (docs/serve.md §2.13, docs/exercise.md)
nav-exercises = Exercices
exercise-banner = EXERCICE { $name } : tout ce qui s’affiche ici appartient à l’exercice, rien n’est réel.
exercise-leave = Quitter l’exercice
exercise-join = Rejoindre
exercise-joined = Rejoint
exercises-title = Exercices
exercises-none = Aucun exercice sur ce serveur. Un formateur en crée un depuis la bibliothèque de MSEL ci-dessous, ou avec aman exercise run.
exercise-col-name = Exercice
exercise-col-state = État
exercise-col-time = Heure du scénario
exercise-col-speed = Vitesse
exercise-col-delivered = Injections délivrées
exercise-state-ready = Prêt
exercise-state-running = En cours
exercise-state-paused = En pause
exercise-state-ended = Terminé
exercise-start = Démarrer
exercise-pause = Pause
exercise-resume = Reprendre
exercise-end = Terminer (ENDEX)
exercise-set-speed = Changer la vitesse
exercise-skip = Avancer à
exercise-skip-to = Heure du scénario (mm:ss)
exercise-controls = Conduite de l’exercice
exercise-injects = Injections
exercise-inject-at = À
exercise-inject-kind = Type
exercise-inject-to = Destinataire
exercise-inject-text = Injection
exercise-inject-expected = Action attendue
exercise-report-link = Rapport de retour d’expérience
exercise-error-speed = Donnez une vitesse de 0,1 à 100.
exercise-error-skip = Donnez une heure du scénario postérieure à maintenant, sous la forme mm:ss.
exercise-new = Nouvel exercice depuis la bibliothèque de MSEL
exercise-new-msel = Liste des événements (MSEL)
exercise-new-id = Identifiant (facultatif)
exercise-new-name = Nom (liste CSV seulement, facultatif)
exercise-new-help = Le serveur simule d'abord les injects de foule de la liste, ce qui prend jusqu'à une minute. L'exercice est alors prêt : lancez-le depuis sa page.
exercise-new-submit = Préparer l'exercice
exercise-library-entry = { $name } · { $key } · injects : { $injects }, foule : { $crowd }
exercise-library-empty = La bibliothèque ne contient aucune liste des événements pour ce site.
exercise-library-other = Dans la bibliothèque, pour d'autres sites
exercise-library-other-venue = { $name } · { $key } : pour le site { $venue }
exercise-error-msel = choisissez une liste des événements de la bibliothèque.
exercise-error-other-venue = cette liste est pour le site { $venue }, pas celui que surveille ce serveur.
exercise-error-id = 1 à 40 caractères : a à z, 0 à 9 et traits d'union (pas en premier).
exercise-error-id-taken = un exercice porte déjà cet identifiant : donnez-en un autre, ou aucun.
exercise-error-name-toml = une liste TOML nomme elle-même son exercice ; le nom est pour une liste CSV seulement.
exercise-error-busy = un autre exercice est en préparation : réessayez dans une minute.
exercise-error-escapes = inject { $inject } : son fichier de scénario est hors du dossier de la bibliothèque ; rien n'a été lu.
exercise-error-scenario = inject { $inject } : son scénario ne peut pas être simulé sur ce site ({ $reason }).
exercise-error-unfit = cette liste ne convient pas à ce serveur ({ $reason }).
exercise-error-no-library = ce serveur n'a pas de bibliothèque de MSEL : il doit être lancé avec --exercises DOSSIER (un dossier de fichiers MSEL). Ou créez l'exercice avec aman exercise run.
aar-title = Retour d’expérience : { $name }
aar-made = Rapport établi à { $time }
aar-inject = Injection
aar-planned = Prévue
aar-delivered = Délivrée
aar-to-ack = Délai d’acquittement
aar-to-incident = Délai d’incident
aar-to-task = Délai de mission
aar-expected = Action attendue
aar-actual = Ce qu’ont fait les joueurs
aar-never = jamais
aar-seconds = { $s } s
aar-alerts = Les alertes de l’exercice
aar-no-alerts = Aucune alerte n’a été levée.
aar-no-actions = Aucune action.
measure-inject = Injection d’exercice (CAP)
aar-kind-acknowledged = a acquitté l’alerte
aar-kind-opened_incident = a ouvert un incident
aar-kind-tasked_unit = a confié une mission à une unité
aar-kind-other = autre action
exercise-kind-message = Message
exercise-kind-incident = Incident
exercise-kind-cap = Alerte CAP
exercise-kind-crowd = Foule (simulée)
exercise-inject-from = Émetteur (moyen)
exercise-method-message = message
exercise-method-phone = téléphone
exercise-method-radio = radio
exercise-method-email = courriel
exercise-method-in_person = en personne
exercise-method-system = système
inject-pops = Injects reçus
inject-pop-route = { $from } → { $to }
inject-pop-dismiss = Fermer

## Tableau de bord : opérations conjointes (incidents, unités, missions)
nav-incidents = Incidents
nav-units = Unités
vis-shared = Partagé
vis-restricted = Restreint
incidents-listed = { $n ->
    [one] { $n } incident affiché
    [many] { $n } d’incidents affichés
   *[other] { $n } incidents affichés
}
units-listed = { $n ->
    [one] { $n } unité affichée
    [many] { $n } d’unités affichées
   *[other] { $n } unités affichées
}
inc-none = Aucun incident.
unit-none = Aucune unité.
inc-new = Nouvel incident
inc-create = Créer l’incident
inc-edit = Modifier l’incident
inc-save = Enregistrer les modifications
inc-id = Incident
inc-title = Titre
inc-major = Incident majeur déclaré
inc-location = Lieu exact
inc-zone = Zone
inc-point = Point, à défaut de zone (mètres)
inc-point-instead = — un point, ci-dessous —
inc-x = x (m)
inc-y = y (m)
inc-kind = Type d’incident
inc-hazards = Dangers présents et potentiels
inc-access = Voies d’accès
inc-rendezvous = Point de rendez-vous
inc-casualties = Victimes
inc-immediate = UA (P1, absolue)
inc-urgent = UR (P2, relative)
inc-delayed = P3 (différée)
inc-dead = Décédés
inc-services-present = Services d’urgence présents
inc-services-required = Services d’urgence nécessaires
inc-situation = Situation
inc-objectives = Objectifs
inc-actions = Actions
inc-shared = Partagé avec le commandement conjoint
inc-agency = Service
inc-updated = Mis à jour
inc-created = Créé
inc-version = Version
inc-yes = oui
inc-no = non
inc-point-at = x { $x } m, y { $y } m
inc-status-reported = Signalé
inc-status-confirmed = Confirmé
inc-status-responding = En intervention
inc-status-contained = Maîtrisé
inc-status-closed = Clos
inc-status-to = Passer à
inc-share = Partager avec le commandement conjoint
inc-from-alert = Issu de l’alerte
inc-tasks = Missions
inc-no-tasks = Aucune mission pour l’instant.
inc-timeline = Chronologie
inc-ics201 = Fiche ICS-201 (briefing)
inc-by = Par
inc-what = Quoi
inc-from-alert-title = Alerte { $alert } : { $rule } à { $subject }
inc-from-alert-kind = densité de foule
inc-from-alert-situation = Ouvert depuis l’alerte { $alert } sur { $subject } à { $time } (gravité CAP { $severity }, statut { $status }) ; { $figures }.
inc-from-alert-figures = règle { $rule } ({ $measure }) : déclenchée à ≥ { $raise }, levée sous { $clear }, maintien { $hold } s
inc-from-alert-rule = règle { $rule }
ics201-title = ICS 201 — Briefing d’incident
ics201-name = 1. Nom de l’incident
ics201-number = 2. Numéro de l’incident
ics201-initiated = 3. Date et heure d’ouverture
ics201-map = 4. Carte ou croquis (lieu)
ics201-situation = 5. Résumé de la situation et consignes de santé et de sécurité
ics201-status-severity = Statut / gravité
ics201-access-rendezvous = Itinéraires d’accès / point de regroupement
ics201-casualties = Victimes (P1 urgences absolues, P2 urgences relatives, P3 différées, décédées)
ics201-services = Services de secours présents / demandés
ics201-prepared = 6. Établi par
ics201-objectives = 7. Objectifs actuels et prévus
ics201-actions = 8. Actions en cours et prévues
ics201-organisation = 9. Organisation actuelle
ics201-owning-agency = Service responsable : { $agency }
ics201-resources = 10. Récapitulatif des moyens
ics201-resource = Moyen
ics201-resource-id = Identifiant du moyen
ics201-ordered = Date et heure de l’engagement
ics201-arrived = Arrivée
ics201-notes = Notes (mission, état)
ics214-title = ICS 214 — Main courante d’activité
ics214-incidents = 1. Nom de l’incident
ics214-period = 2. Période opérationnelle
ics214-name = 3. Nom (indicatif de l’unité)
ics214-position = 4. Fonction ICS (chef)
ics214-agency = 5. Service d’origine (et unité)
ics214-resources = 6. Moyens affectés
ics214-log = 7. Main courante
ics214-time = Date et heure
ics214-activities = Activités notables
ics214-prepared = 8. Établi par
act-reported = Signalé
act-from-alert = Ouvert depuis l’alerte { $alert }
act-edited = Champs modifiés
act-status = Statut { $from } → { $to }
act-shared = Partagé avec le commandement conjoint
act-unit-created = Unité { $unit } créée, { $status }
act-position-zone = position : zone { $zone }
act-position-point = position : x { $x } m, y { $y } m
act-position-none = position inconnue
act-call-sign = indicatif { $from } → { $to }
act-details = détails modifiés
act-no-change = aucun changement
act-task-assigned = { $unit } engagée sur l’incident { $incident } ({ $task })
act-task-state = { $unit } sur l’incident { $incident } ({ $task }) : { $state }
task-unit = Unité
task-description = Mission
task-state = État
task-create = Confier la mission
task-to = Passer à
task-state-assigned = Confiée
task-state-accepted = Acceptée
task-state-en_route = En route
task-state-on_scene = Sur place
task-state-done = Terminée
task-state-cancelled = Annulée
task-choose-unit = Choisir une unité
unit-new = Nouvelle unité
unit-create = Créer l’unité
unit-call-sign = Indicatif
unit-kind = Type
unit-position = Position
unit-none-position = —
unit-leader = Chef
unit-resources = Moyens
unit-ics214 = Journal d’activité ICS-214
unit-csv = CSV
unit-set-status = Changer
unit-kind-foot_patrol = Patrouille à pied
unit-kind-mounted = Montée
unit-kind-vehicle = Véhicule
unit-kind-medical = Secours médical
unit-kind-fire = Pompiers
unit-kind-stewards = Stadiers
unit-kind-command = Commandement
unit-kind-other = Autre
unit-status-available = Disponible
unit-status-assigned = Engagée
unit-status-en_route = En route
unit-status-on_scene = Sur place
unit-status-out_of_service = Indisponible
alert-open-incident = Ouvrir un incident
form-error-field = { $field } : { $problem }
form-error-required = ce champ est obligatoire.
form-error-number = indiquez un nombre entier de 0 à 100 000.
form-error-point = indiquez x et y en mètres, ou choisissez une zone.
form-error-text = trop long, ou contient des caractères de contrôle.
form-error-transition = ce changement n’est pas permis depuis l’état actuel.
form-error-task-refused = cette unité ne peut pas recevoir de mission sur cet incident (clos, ou restreint et l’unité est de l’autre service).
form-error-not-yours = seul le service de l’unité la modifie ; confiez-lui plutôt une mission.
form-error-stale = Non enregistré : { $who } l’a modifié à { $time } (version { $version } désormais). Vos valeurs sont conservées ci-dessous : vérifiez-les et envoyez à nouveau.
