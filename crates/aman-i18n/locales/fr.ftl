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
