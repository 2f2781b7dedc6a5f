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
