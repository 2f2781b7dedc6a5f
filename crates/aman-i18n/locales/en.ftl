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
alerts-listed = { $n ->
    [one] { $n } alert listed
   *[other] { $n } alerts listed
}

## Dashboard: navigation and header
nav-map = Map
nav-alerts = Alerts
nav-sensors = Sensors
nav-report = Day report
logout = Log out
live-connected = Live
live-reconnecting = Reconnecting…
not-found = Page not found
error-csrf = This form has expired (you logged in again, or in another window). Reload the page and try again.
error-forbidden = Your role does not allow this.
error-conflict = This can no longer be done: it changed in the meantime. Reload the page.
error-too-large = What you sent is too long.
error-too-many = Too many attempts: wait a moment and try again.
error-bad-request = What you sent cannot be read. Reload the page and try again.
error-unavailable = The server cannot do this right now: try again in a moment.
error-back = Back

## Login
login-title = Log in
login-name = Login
login-password = Password
login-submit = Log in
login-error-bad-credentials = Invalid login or password.
login-error-locked = Too many failed attempts: this account is locked for 15 minutes. An administrator can unlock it.
login-error-rate-limited = Too many attempts from here. Wait a minute and try again.

## Form errors
form-error-too-long = This text is too long.
form-error-bidi = This text contains invisible direction-control characters; remove them.
form-error-control = This text contains control characters; remove them.
form-error-markup = Tags (text between angle brackets) are not allowed in this text.
form-error-language = Choose French, Arabic or English.
form-error-choice = This choice is not in the list.
form-error-verdict-empty = Choose a verdict.

## Map
map-zoom-in = Zoom in
map-zoom-out = Zoom out
map-zoom-reset = Whole venue
map-heat = Density heat map
legend = Levels of service (Fruin)
los-a = A: free flow
los-b = B: minor conflicts
los-c = C: restricted speed
los-d = D: most people slowed
los-e = E: shuffling, frequent contact
los-f = F: critical, flow breaks down
flow-in-out = in { $inflow } · out { $outflow } /min
live-alerts = Live alerts
live-alerts-none = No alert.
zones = Zones
zone = Zone
los = Level of service
density-unit = Density (pers./m²)
occupancy = Occupancy (persons)
capacity = Capacity (persons)
pressure-unit = Pressure (1/s²)

## Alerts
rule = Rule
status = Status
severity = Severity
verdict = Verdict
cap = CAP
actions = Actions
filter-all = All
filter-apply = Filter
alert-sound = Sound on new alert
alert-raised-at = Raised at
alert-acknowledge = Acknowledge
acknowledged-by = acknowledged by { $who }
alert-resolve = Resolve
resolved-by = resolved by { $who }
status-open = Open
status-acknowledged = Acknowledged
status-resolved = Resolved
severity-extreme = Extreme
severity-severe = Severe
severity-moderate = Moderate
severity-minor = Minor
measure-density = Density
measure-los = Level of service
measure-pressure = Crowd pressure
measure-occupancy = Occupancy
measure-specific_flow = Specific flow
measure-stale = Sensor silent
measure-unknown = Unknown rule
verdict-choose = Verdict…
verdict-true-positive = True alert
verdict-false-positive = False alert
verdict-note = Note (optional)
verdict-save = Save verdict
cap-message = CAP message { $num }

## Sensors
sensor = Sensor
sensor-adapter = Type
sensor-health = Health
sensor-last-reading = Last reading
sensor-since = Silent for
sensor-period = Period
sensor-readings = Readings
sensor-late = Late
sensor-duplicates = Duplicates and resets
sensor-refused = Refused payloads
health-live = live
health-stale = stale
never = never
seconds-ago = { $s } s
period-s = { $s } s

## Zone page
chart-axis-note = Times: Paris (top line) and Casablanca (bottom line).
chart-last-30-min = Last 30 minutes
chart-today = Today (since midnight, Paris)
chart-occupancy = Occupancy (persons)
chart-density = Density (pers./m²)
chart-los = Level of service
chart-flow = Flow through the gates (pers./min)
chart-pressure = Crowd pressure (1/s²)
threshold-raise = alert at { $value }
threshold-clear = clears at { $value }
no-data = No data
day-bad-date = This is not a day: give the date as YYYY-MM-DD.
day-not-begun = That day has not begun: the report covers days up to today (UTC).
day-today = Today's report

## forecast
nav-forecast = Forecast
forecast-title = Forecast: the next 10 minutes
forecast-model-note = Network model of the venue (cell transmission over the zones and gates), from the live occupancies and flows, recomputed every 5 seconds. A forecast, not a measurement.
forecast-zone-title = Forecast: next 10 minutes
forecast-off = No forecast for this venue: its gates do not join its zones into a network.
forecast-pending = The first forecast is being computed.
forecast-computed = Computed at { $time }
forecast-what-if-link = What if…? (close a gate, evacuate a zone)
forecast-reached-now = reached now
forecast-reached-in = in { $min } min { $sec } s ({ $time })
forecast-not-within = not within the next { $min } minutes
forecast-los-e = Level of service E (from { $value } pers./m²)
forecast-rule = Rule { $rule } ({ $value } pers./m²)
forecast-none = –
forecast-seconds = { $s } s
forecast-chart-label = forecast ({ $min } min)
forecast-col-zone = Zone
forecast-col-now = Density now (pers./m²)
forecast-col-peak = Peak (pers./m²)
forecast-col-los-e = Level E reached
forecast-col-above = Time at E or F
forecast-col-clear = Empties after
forecast-queue = { $gate }: { $persons } persons waiting in 10 minutes
forecast-queues = Queues at the gates
forecast-unknown = Not known to the forecast (taken as zero or unmeasured)
what-if-title = What if…?
what-if-help = Choose a change and see, zone by zone, what it changes against doing nothing over the next 10 minutes. Nothing is changed on site.
what-if-not-allowed = Your role reads the forecast; what-if is for commanders, operators, analysts, trainers and administrators.
what-if-kind = Change
what-if-kind-choose = Choose…
what-if-close = Close a gate
what-if-open = Open a closed gate
what-if-hold = Hold a gate closed for a time
what-if-evacuate = Evacuate a zone
what-if-target = Gate or zone
what-if-target-choose = Choose…
what-if-gates = Gates
what-if-zones = Zones
what-if-seconds = Hold time (s)
what-if-submit = Compute
what-if-result = With { $change }, against doing nothing
what-if-col-peak = Peak density (pers./m²)
what-if-col-above = Time at E or F (s)
what-if-col-above-f = Time at F (s)
what-if-col-clear = Empties after
what-if-queue = { $gate }: { $base } → { $persons } persons waiting in 10 minutes
what-if-error-kind = Choose a change.
what-if-error-target = Choose a gate or a zone.
what-if-error-unknown-gate = This venue has no such gate: choose one from the list.
what-if-error-unknown-zone = This venue has no such zone: choose one from the list (only a zone can be evacuated).
what-if-error-seconds = Give the hold time as a whole number of seconds from 1 to 86400.
what-if-change = { $change }: { $target }
what-if-change-hold = { $change }: { $target }, { $s } s
forecast-unknown-occupancy = zone { $id }: occupancy not known
forecast-unknown-flow = gate { $id }: flow not measured
forecast-unknown-stale = sensor { $id }: silent too long
forecast-band-stale = Shaded: the range the forecast could take, sensors { $sensors } having been silent for at least { $seconds } s.
forecast-band-missing = Shaded: the range the forecast could take, some of its inputs not being measured.

## Exercises (docs/serve.md §2.13, docs/exercise.md)
nav-exercises = Exercises
exercise-banner = EXERCISE { $name }: everything on these pages belongs to the exercise, nothing is live.
exercise-leave = Leave the exercise
exercise-join = Join
exercise-joined = Joined
exercises-title = Exercises
exercises-none = No exercise on this server. A trainer makes one from the MSEL library below, or with aman exercise run.
exercise-col-name = Exercise
exercise-col-state = State
exercise-col-time = Scenario time
exercise-col-speed = Speed
exercise-col-delivered = Injects delivered
exercise-state-ready = Ready
exercise-state-running = Running
exercise-state-paused = Paused
exercise-state-ended = Ended
exercise-start = Start
exercise-pause = Pause
exercise-resume = Resume
exercise-end = End (ENDEX)
exercise-set-speed = Set speed
exercise-skip = Skip to
exercise-skip-to = Scenario time (mm:ss)
exercise-controls = Exercise control
exercise-injects = Injects
exercise-inject-at = At
exercise-inject-kind = Kind
exercise-inject-to = To
exercise-inject-text = Inject
exercise-inject-expected = Expected action
exercise-report-link = After-action report
exercise-error-speed = Give a speed from 0.1 to 100.
exercise-error-skip = Give a scenario time later than now, as mm:ss.
exercise-new = New exercise from the MSEL library
exercise-new-msel = Master events list
exercise-new-id = Id (optional)
exercise-new-name = Name (CSV list only, optional)
exercise-new-help = The server first simulates the list's crowd injects, which takes up to a minute. The exercise is then ready: start it from its page.
exercise-new-submit = Prepare the exercise
exercise-library-entry = { $name } · { $key } · injects: { $injects }, crowd: { $crowd }
exercise-library-empty = The library holds no master events list for this venue.
exercise-library-other = In the library, for other venues
exercise-library-other-venue = { $name } · { $key }: for venue { $venue }
exercise-error-msel = choose a master events list of the library.
exercise-error-other-venue = this list is for venue { $venue }, not the one this server watches.
exercise-error-id = 1 to 40 characters: a to z, 0 to 9 and hyphens (not first).
exercise-error-id-taken = an exercise has this id already: give another, or none.
exercise-error-name-toml = a TOML list names its exercise itself; a name is for a CSV list only.
exercise-error-busy = another exercise is being prepared: try again in a minute.
exercise-error-escapes = inject { $inject }: its scenario file lies outside the library's folder; nothing was read.
exercise-error-scenario = inject { $inject }: its scenario cannot be simulated on this venue ({ $reason }).
exercise-error-unfit = this list does not fit this server ({ $reason }).
exercise-error-no-library = this server has no MSEL library: it must be started with --exercises DIR (a folder of MSEL files). Or make the exercise with aman exercise run.
aar-title = After-action report: { $name }
aar-made = Report made at { $time }
aar-inject = Inject
aar-planned = Planned
aar-delivered = Delivered
aar-to-ack = To acknowledgement
aar-to-incident = To incident
aar-to-task = To task
aar-expected = Expected action
aar-actual = What the players did
aar-never = never
aar-seconds = { $s } s
aar-alerts = The exercise's alerts
aar-no-alerts = No alert was raised.
aar-no-actions = No action.
measure-inject = Exercise inject (CAP)
aar-kind-acknowledged = acknowledged the alert
aar-kind-opened_incident = opened an incident
aar-kind-tasked_unit = tasked a unit
aar-kind-other = other action
exercise-kind-message = Message
exercise-kind-incident = Incident
exercise-kind-cap = CAP alert
exercise-kind-crowd = Crowd (simulated)
exercise-inject-from = From (method)
exercise-method-message = message
exercise-method-phone = phone
exercise-method-radio = radio
exercise-method-email = email
exercise-method-in_person = in person
exercise-method-system = system
inject-pops = Injects received
inject-pop-route = { $from } → { $to }
inject-pop-dismiss = Dismiss

## Dashboard: joint operations (incidents, units, tasks)
nav-incidents = Incidents
nav-units = Units
vis-shared = Shared
vis-restricted = Restricted
incidents-listed = { $n ->
    [one] { $n } incident listed
   *[other] { $n } incidents listed
}
units-listed = { $n ->
    [one] { $n } unit listed
   *[other] { $n } units listed
}
inc-none = No incident.
unit-none = No unit.
inc-new = New incident
inc-create = Create the incident
inc-edit = Edit the incident
inc-save = Save the changes
inc-id = Incident
inc-title = Title
inc-major = Major incident declared
inc-location = Exact location
inc-zone = Zone
inc-point = Point, if no zone (metres)
inc-point-instead = — a point, below —
inc-x = x (m)
inc-y = y (m)
inc-kind = Type of incident
inc-hazards = Hazards present and potential
inc-access = Access routes
inc-rendezvous = Rendezvous point
inc-casualties = Casualties
inc-immediate = P1 immediate
inc-urgent = P2 urgent
inc-delayed = P3 delayed
inc-dead = Dead
inc-services-present = Emergency services present
inc-services-required = Emergency services required
inc-situation = Situation
inc-objectives = Objectives
inc-actions = Actions
inc-shared = Shared with the joint command
inc-agency = Agency
inc-updated = Updated
inc-created = Created
inc-version = Version
inc-yes = yes
inc-no = no
inc-point-at = x { $x } m, y { $y } m
inc-status-reported = Reported
inc-status-confirmed = Confirmed
inc-status-responding = Responding
inc-status-contained = Contained
inc-status-closed = Closed
inc-status-to = Move to
inc-share = Share with the joint command
inc-from-alert = Raised from alert
inc-tasks = Tasks
inc-no-tasks = No task yet.
inc-timeline = Timeline
inc-ics201 = ICS-201 incident briefing
inc-by = By
inc-what = What
task-unit = Unit
task-description = Task
task-state = State
task-create = Give the task
task-to = Move to
task-state-assigned = Assigned
task-state-accepted = Accepted
task-state-en_route = En route
task-state-on_scene = On scene
task-state-done = Done
task-state-cancelled = Cancelled
task-choose-unit = Choose a unit
unit-new = New unit
unit-create = Create the unit
unit-call-sign = Call sign
unit-kind = Kind
unit-position = Position
unit-none-position = —
unit-leader = Leader
unit-resources = Resources
unit-ics214 = ICS-214 activity log
unit-csv = CSV
unit-set-status = Change
unit-kind-foot_patrol = Foot patrol
unit-kind-mounted = Mounted
unit-kind-vehicle = Vehicle
unit-kind-medical = Medical
unit-kind-fire = Fire
unit-kind-stewards = Stewards
unit-kind-command = Command
unit-kind-other = Other
unit-status-available = Available
unit-status-assigned = Assigned
unit-status-en_route = En route
unit-status-on_scene = On scene
unit-status-out_of_service = Out of service
alert-open-incident = Open an incident
form-error-field = { $field }: { $problem }
form-error-required = this field is required.
form-error-number = give a whole number from 0 to 100,000.
form-error-point = give x and y in metres, or choose a zone.
form-error-text = too long, or contains control characters.
form-error-transition = this change is not allowed from the current state.
form-error-task-refused = this unit cannot take a task on this incident (closed, or restricted and the unit is the other agency's).
form-error-not-yours = only the unit's own agency changes it; give it a task instead.
form-error-stale = Not saved: { $who } changed it at { $time } (now version { $version }). Your values are kept below: check them and send again.
