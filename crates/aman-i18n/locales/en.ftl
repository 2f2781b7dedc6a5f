# aman dashboard — English.
# Every text of the interface is here, in fr.ftl and in ar.ftl, under the same ids
# (a test checks it). Counts take $n and select the CLDR plural form.

app-name = aman
app-tagline = Crowd safety operations

## Languages (each named in its own language)
lang-fr = Français
lang-ar = العربية
lang-en = English
lang-choose = Language

## Times: stored UTC, shown in both forces' local time
tz-paris = Paris
tz-casablanca = Casablanca
time-pair = { $paris } { tz-paris } · { $casablanca } { tz-casablanca }
date-time-pair = { $paris } ({ tz-paris }) · { $casablanca } ({ tz-casablanca })

## Counts
alerts-open = { $n ->
    [one] { $n } open alert
   *[other] { $n } open alerts
}
persons = { $n ->
    [one] { $n } person
   *[other] { $n } persons
}
