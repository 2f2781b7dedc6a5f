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

## Day report (aman_report::day): one printable page of an operational day
day-title = Day report
day-utc-day = UTC day
day-local-times = Local times
day-from = from
day-to = to
day-made = Report made
day-zones = Zones
day-no-zones = The venue has no zone.
day-peak-occupancy = Peak occupancy
day-peak-density = Peak density
day-peak-time = Time of the peak
day-worst-los = Worst level of service
day-time-los-e = Time at level E
day-time-los-f = Time at level F
day-unit-density = persons/m²
day-unit-hmm = h:mm
day-chart-title = Density over the day
day-chart-axis = hour (UTC)
day-threshold = Threshold
day-no-readings = No reading this day.
day-gates = Gates and counting lines
day-no-gates = The venue has no gate or counting line.
day-gate = Gate or line
day-in = In
day-out = Out
day-alerts = Alerts
day-no-alerts = No alert this day.
day-alert-zone = Zone
day-alert-rule = Rule
day-alert-severity = Severity
day-alert-raised = Raised
day-alert-acknowledged = Acknowledged
day-alert-resolved = Resolved
day-alert-verdict = Verdict
day-severity-extreme = Extreme
day-severity-severe = Severe
day-severity-moderate = Moderate
day-severity-minor = Minor
day-verdict-true = True alarm
day-verdict-false = False alarm
day-verdict-none = No verdict yet
day-not-yet = —
day-method = Levels of service after Fruin (1971). Each reading holds until the next one: the times at levels E and F are sums of these steps, and a gap in the readings counts towards no level. Occupancy = density × zone area.
day-alert-count = { $n ->
    [one] { $n } alert
   *[other] { $n } alerts
}
