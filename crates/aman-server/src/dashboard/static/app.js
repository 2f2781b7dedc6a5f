// aman dashboard: live updates, pan and zoom, clocks. Vendored, no dependencies, no build.
// Every text comes from the Fluent catalog the server embeds (#i18n); plural forms are chosen
// with Intl.PluralRules; figures are written in Latin digits; times in Paris and Casablanca.
(function () {
  'use strict';
  var catEl = document.getElementById('i18n');
  var CAT = catEl ? JSON.parse(catEl.textContent) : { lang: 'fr', messages: {} };
  var venueEl = document.getElementById('venue-data');
  var VENUE = venueEl ? JSON.parse(venueEl.textContent) : null;
  var plural = new Intl.PluralRules(CAT.lang);

  function T(id, vars) {
    var m = CAT.messages[id];
    if (typeof m !== 'string') return id;
    return m.replace(/\{(\w+)\}/g, function (all, k) {
      return vars && k in vars ? String(vars[k]) : all;
    });
  }
  function C(id, n) {
    var m = CAT.messages[id];
    if (!m || typeof m !== 'object') return id;
    var form = m[plural.select(n)] || m.other || '';
    return form.replace('{n}', String(n));
  }
  function $(sel, root) { return (root || document).querySelector(sel); }
  function fmt(tz, withDate) {
    var o = { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23', numberingSystem: 'latn' };
    if (!withDate) o.second = '2-digit';
    else { o.year = 'numeric'; o.month = '2-digit'; o.day = '2-digit'; }
    return new Intl.DateTimeFormat('en-CA', o);
  }
  // The browser's tz database may be older than the server's (Chromium's ICU, for one, has
  // Morocco's offsets only up to 2026, then says UTC+0 where Morocco is UTC+1): when its
  // offset now differs from the one the server computed (#clock data-offsets, seconds east of
  // UTC), times in that zone are written with the server's offset.
  var serverOffsets = (($('#clock') || {}).dataset || {}).offsets;
  serverOffsets = serverOffsets ? serverOffsets.split(',').map(Number) : [null, null];
  function browserOffset(tz, d) {
    var p = {};
    new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(d).forEach(function (x) { p[x.type] = +x.value; });
    return Math.round((Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(d.getTime() / 1000) * 1000) / 60000) * 60;
  }
  function zoneFormat(tz, serverOffset, withDate) {
    var f = fmt(tz, withDate);
    var now = new Date();
    if (serverOffset === null || browserOffset(tz, now) === serverOffset) return function (d) { return f.format(d); };
    var u = fmt('UTC', withDate);
    return function (d) { return u.format(new Date(d.getTime() + serverOffset * 1000)); };
  }
  var fP = zoneFormat('Europe/Paris', serverOffsets[0]), fC = zoneFormat('Africa/Casablanca', serverOffsets[1]);
  var dP = zoneFormat('Europe/Paris', serverOffsets[0], true), dC = zoneFormat('Africa/Casablanca', serverOffsets[1], true);
  // The catalog's placeables are already between bidi isolates (FSI … PDI).
  function timePair(d) { return T('time-pair', { paris: fP(d), casablanca: fC(d) }); }
  function dateTimePair(d) {
    var clean = function (s) { return s.replace(',', ''); };
    return T('date-time-pair', { paris: clean(dP(d)), casablanca: clean(dC(d)) });
  }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function esc(s) { return CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/["\\]/g, '\\$&'); }
  function fixed(x, d) { return x === null || x === undefined || !isFinite(x) ? '\u2013' : Number(x).toFixed(d); }

  // Clock.
  var clock = $('#clock');
  function tick() { if (clock) clock.textContent = timePair(new Date()); }
  tick();
  setInterval(tick, 1000);

  // Sound on new alerts (WebAudio, a short tone); the choice is kept in this browser.
  var sound = $('#sound');
  if (sound) {
    sound.checked = localStorage.getItem('aman-sound') === '1';
    sound.addEventListener('change', function () { localStorage.setItem('aman-sound', sound.checked ? '1' : '0'); });
  }
  function beep() {
    if (!sound || !sound.checked) return;
    try {
      var ctx = new (window.AudioContext || window.webkitAudioContext)();
      var o = ctx.createOscillator(), g = ctx.createGain();
      o.frequency.value = 880; g.gain.value = 0.2;
      o.connect(g); g.connect(ctx.destination);
      o.start(); o.stop(ctx.currentTime + 0.25);
    } catch (e) { /* no audio */ }
  }

  // Open alerts and the header count.
  var open = {};
  function setCount() {
    var el = $('#alert-count');
    if (!el) return;
    var n = Object.keys(open).length;
    el.dataset.n = String(n);
    el.textContent = C('alerts-open', n);
  }
  var csrfInput = $('#lang-form input[name=csrf_token]');
  var csrf = csrfInput ? csrfInput.value : '';
  // The buttons of an alert: kind 'ack' (acknowledge) or 'resolve'.
  function actionForm(id, kind) {
    var f = document.createElement('form');
    f.className = 'alert-action ' + kind + '-form'; f.method = 'post';
    f.action = '/alerts/' + encodeURIComponent(id) + '/' + (kind === 'ack' ? 'acknowledge' : 'resolve');
    var h = document.createElement('input'); h.type = 'hidden'; h.name = 'csrf_token'; h.value = csrf;
    var b = document.createElement('button'); b.className = kind; b.type = 'submit';
    b.textContent = T(kind === 'ack' ? 'alert-acknowledge' : 'alert-resolve');
    f.appendChild(h); f.appendChild(b);
    return f;
  }
  // The board's one-click incident of an alert (posted as a plain form: it goes to the new incident).
  function openIncidentForm(id) {
    var f = document.createElement('form');
    f.className = 'open-incident'; f.method = 'post';
    f.action = '/alerts/' + encodeURIComponent(id) + '/incident';
    var h = document.createElement('input'); h.type = 'hidden'; h.name = 'csrf_token'; h.value = csrf;
    var b = document.createElement('button'); b.className = 'open-incident'; b.type = 'submit';
    b.textContent = T('alert-open-incident');
    f.appendChild(h); f.appendChild(b);
    return f;
  }
  function actionForms(parent, id, holder) {
    if (holder.dataset.mayAck === 'true') parent.appendChild(actionForm(id, 'ack'));
    if (holder.dataset.mayResolve === 'true') parent.appendChild(actionForm(id, 'resolve'));
    if (holder.dataset.mayIncident === 'true') parent.appendChild(openIncidentForm(id));
  }
  function span(cls, text) { var s = document.createElement('span'); s.className = cls; s.textContent = text; return s; }
  function subjectNode(rule) {
    if (rule && rule.kind === 'zone') {
      var a = document.createElement('a'); a.href = '/zones/' + encodeURIComponent(rule.subject); a.textContent = rule.name;
      var s = span('subject', ''); s.appendChild(a); return s;
    }
    return span('subject', rule ? rule.name : '');
  }
  function ruleOf(key) {
    if (!VENUE) return null;
    if (typeof key === 'number') return VENUE.rules[key] || null;
    for (var i = 0; i < VENUE.rules.length; i++) if (VENUE.rules[i].id === key) return VENUE.rules[i];
    return null;
  }
  function addAlert(id, rule, at) {
    var list = $('#live-alerts');
    if (list && !$('li.alert[data-alert="' + esc(id) + '"]', list)) {
      var li = document.createElement('li');
      li.className = 'alert new'; li.dataset.alert = id; li.dataset.status = 'open';
      li.dataset.severity = rule ? rule.severity : '';
      li.appendChild(span('sev', T('severity-' + (rule ? rule.severity.toLowerCase() : 'unknown'))));
      li.appendChild(document.createTextNode(' '));
      li.appendChild(subjectNode(rule));
      li.appendChild(document.createTextNode(' '));
      li.appendChild(span('measure', T('measure-' + (rule ? rule.measure : 'unknown'))));
      li.appendChild(document.createTextNode(' '));
      li.appendChild(span('time-pair', timePair(at)));
      li.appendChild(document.createTextNode(' '));
      li.appendChild(span('status-text', T('status-open')));
      actionForms(li, id, list);
      list.insertBefore(li, list.firstChild);
    }
    var board = $('#alert-board tbody');
    if (board && !$('tr.alert[data-alert="' + esc(id) + '"]', board)) {
      var tr = document.createElement('tr');
      tr.className = 'alert new'; tr.dataset.alert = id; tr.dataset.status = 'open';
      tr.dataset.severity = rule ? rule.severity : '';
      var cells = [span('time-pair', dateTimePair(at)), subjectNode(rule), span('measure', T('measure-' + (rule ? rule.measure : 'unknown'))),
        span('sev', T('severity-' + (rule ? rule.severity.toLowerCase() : 'unknown'))), span('status-text', T('status-open')), null, null, null];
      cells.forEach(function (c, i) {
        var td = document.createElement('td');
        if (i === 4) td.className = 'status-text-cell';
        if (c) td.appendChild(c);
        if (i === 6) {
          var a = document.createElement('a'); a.className = 'cap'; a.href = '/api/v1/alerts/' + encodeURIComponent(id) + '/cap/1';
          a.setAttribute('download', id + '-1.xml'); a.textContent = T('cap-message', { num: '1' }); td.appendChild(a);
        }
        if (i === 7) actionForms(td, id, board.closest('table'));
        tr.appendChild(td);
      });
      board.insertBefore(tr, board.firstChild);
    }
    var markers = $('#alert-markers');
    if (markers && rule && !$('g.alert-marker[data-alert="' + esc(id) + '"]', markers)) {
      var NS = 'http://www.w3.org/2000/svg', u = VENUE.unit;
      var g = document.createElementNS(NS, 'g');
      g.setAttribute('class', 'alert-marker'); g.setAttribute('data-alert', id);
      g.setAttribute('transform', 'translate(' + (rule.x + 2.5 * u) + ',' + (rule.y - 2.5 * u) + ')');
      var c = document.createElementNS(NS, 'circle'); c.setAttribute('r', 1.6 * u);
      var t = document.createElementNS(NS, 'text'); t.setAttribute('font-size', 2.2 * u); t.textContent = '!';
      g.appendChild(c); g.appendChild(t); markers.appendChild(g);
    }
  }
  function setStatus(el, status) {
    el.dataset.status = status;
    var st = $('.status-text', el);
    if (st) st.textContent = T('status-' + status);
    if (status !== 'open') $$('form.ack-form', el).forEach(function (f) { f.remove(); });
    if (status === 'resolved') $$('form.resolve-form', el).forEach(function (f) { f.remove(); });
  }
  function resolveAlert(id) {
    $$('[data-alert="' + esc(id) + '"]').forEach(function (el) {
      if (el.classList.contains('alert-marker')) el.remove();
      else setStatus(el, 'resolved');
    });
  }
  // An alert changed by a person (acknowledged, resolved, judged), pushed as {type: "alert"} and
  // listed again in every snapshot: its status on every row showing it.
  function applyAlert(a) {
    if (!a || !a.id) return;
    if (a.status === 'resolved') { resolveAlert(a.id); return; }
    var st = a.status === 'raised' ? 'open' : a.status;
    $$('[data-alert="' + esc(a.id) + '"]').forEach(function (el) {
      if (!el.classList.contains('alert-marker') && el.dataset.status !== 'resolved') setStatus(el, st);
    });
  }

  // Map state.
  function applyZone(z) {
    var los = z.los || '';
    $$('[data-zone="' + esc(z.id) + '"]').forEach(function (el) {
      if (el.classList.contains('zone') || el.classList.contains('zone-row')) {
        el.dataset.los = los;
        var letter = $('.los-letter', el) || $('.swatch', el);
        if (letter) letter.textContent = los || '?';
        var d = $('.density', el); if (d) d.textContent = fixed(z.density, 2);
        var o = $('.occupancy', el); if (o) o.textContent = fixed(z.occupancy, 0);
      }
    });
  }
  // The density heat map (server's crate::heat): cells coloured by the legend's steps.
  var heatSteps = [], heatColours = [];
  $$('.heat-legend li[data-min]').forEach(function (li) {
    var hex = li.dataset.colour;
    heatColours.push([1, 3, 5].map(function (i) { return parseInt(hex.substr(i, 2), 16); }));
    heatSteps.push(parseFloat(li.dataset.min));
  });
  function drawHeat(h) {
    var layer = $('#heat');
    if (!layer || !h || !h.cols || !h.rows) return;
    var c = document.createElement('canvas'); c.width = h.cols; c.height = h.rows;
    var ctx = c.getContext('2d'), img = ctx.createImageData(h.cols, h.rows);
    h.cells.forEach(function (p) {
      var k = -1;
      for (var j = 0; j < heatSteps.length; j++) if (p[1] >= heatSteps[j]) k = j;
      if (k < 0) return;
      var o = p[0] * 4, col = heatColours[k];
      img.data[o] = col[0]; img.data[o + 1] = col[1]; img.data[o + 2] = col[2]; img.data[o + 3] = 215;
    });
    ctx.putImageData(img, 0, 0);
    var NS = 'http://www.w3.org/2000/svg';
    var im = $('#heat-image');
    if (!im) { im = document.createElementNS(NS, 'image'); im.id = 'heat-image'; layer.appendChild(im); }
    im.setAttribute('x', h.x0); im.setAttribute('y', -h.y1);
    im.setAttribute('width', h.cols * h.cell); im.setAttribute('height', h.rows * h.cell);
    im.setAttribute('preserveAspectRatio', 'none');
    im.setAttribute('href', c.toDataURL());
    layer.dataset.t = h.t; layer.dataset.max = String(h.max);
  }
  var heatData = $('#heat-data');
  if (heatData) { try { drawHeat(JSON.parse(heatData.textContent)); } catch (e) { /* drawn at the next message */ } }
  function applyLine(l) {
    var g = $('g.line[data-line="' + esc(l.id) + '"] text.flow');
    if (!g) return;
    var pm = function (f) { return f === null || f === undefined ? '\u2013' : String(Math.round(f * 60)); };
    g.textContent = T('flow-in-out', { inflow: pm(l.flow_in), outflow: pm(l.flow_out) });
  }
  function applySensor(s) {
    var health = !s.stale && s.last_received ? 'live' : 'stale';
    $$('[data-sensor="' + esc(s.id) + '"]').forEach(function (el) {
      el.dataset.health = health;
      var mark = $('.sensor-mark', el); if (mark) mark.textContent = health === 'live' ? '' : '\u00d7';
      var h = $('.health', el); if (h) h.textContent = T('health-' + health);
      var r = $('.readings', el); if (r) r.textContent = String(s.readings);
    });
  }
  function applySnapshot(state) {
    state.zones.forEach(applyZone);
    state.lines.forEach(applyLine);
    state.sensors.forEach(applySensor);
    var now = {};
    state.alerts.forEach(function (a) {
      now[a.id] = true;
      if (!open[a.id]) addAlert(a.id, ruleOf(a.rule), new Date(a.raised_at));
    });
    Object.keys(open).forEach(function (id) { if (!now[id]) resolveAlert(id); });
    // Alerts shown open by the page but not open any more (resolved while away).
    $$('#live-alerts li.alert, #alert-board tr.alert').forEach(function (el) {
      if (el.dataset.status !== 'resolved' && !now[el.dataset.alert]) resolveAlert(el.dataset.alert);
    });
    open = now;
    setCount();
  }
  function applyUpdate(u) {
    (u.zones || []).forEach(applyZone);
    (u.lines || []).forEach(applyLine);
    (u.sensors || []).forEach(applySensor);
    (u.decisions || []).forEach(function (d) {
      if (d.kind === 'raise') {
        if (!open[d.alert]) { open[d.alert] = true; addAlert(d.alert, ruleOf(d.rule), new Date(d.at)); beep(); }
      } else if (d.kind === 'resolve') {
        delete open[d.alert];
        resolveAlert(d.alert);
      }
    });
    setCount();
  }
  // The forecast ({type: "forecast"}, every 5 s): the dashed forecast after the measured
  // density and level of service of a zone's page, when its thresholds are reached, and the
  // forecast page's table.
  function forecastWhen(at, s) {
    if (s === null || s === undefined) return T('forecast-not-within', { min: '10' });
    if (s <= 0) return T('forecast-reached-now');
    var w = Math.round(s);
    return T('forecast-reached-in', { min: String(Math.floor(w / 60)), sec: String(w % 60), time: timePair(new Date(at + w * 1000)) });
  }
  function forecastLabel(r) {
    var v = fixed(r.density, 2);
    return r.what.indexOf('rule ') === 0 ? T('forecast-rule', { rule: r.what.slice(5), value: v }) : T('forecast-los-e', { value: v });
  }
  function applyForecast(f) {
    if (!f || !f.zones) return;
    var at = Date.parse(String(f.computed_at).replace(/(\.\d{3})\d+/, '$1'));
    var LOS = 'ABCDEF';
    var stamp = T('forecast-computed', { time: timePair(new Date(at)) });
    $$('.forecast-at').forEach(function (el) { el.textContent = stamp; });
    f.zones.forEach(function (z) {
      $$('path.forecast[data-forecast-zone="' + esc(z.id) + '"]').forEach(function (p) {
        var d = p.ownerSVGElement.dataset, los = p.dataset.series === 'los';
        var t0 = +d.t0, t1 = +d.t1, top = +d.top, x0 = +d.x0, x1 = +d.x1, y0 = +d.y0, y1 = +d.y1, out = '';
        f.t_s.forEach(function (t, k) {
          var tm = at + t * 1000;
          if (tm > t1 || tm < t0) return;
          var val = los ? LOS.indexOf(z.los[k]) : z.density[k];
          var x = x0 + (tm - t0) / (t1 - t0) * (x1 - x0), y = y0 + (1 - Math.min(val, top) / top) * (y1 - y0);
          out += (out ? 'L' : 'M') + x.toFixed(1) + ',' + y.toFixed(1);
        });
        p.setAttribute('d', out);
      });
      // The band (low to high): drawn where it has a width, that is while some input is
      // missing or stale.
      $$('path.forecast-band[data-forecast-zone="' + esc(z.id) + '"]').forEach(function (p) {
        var d = p.ownerSVGElement.dataset;
        var t0 = +d.t0, t1 = +d.t1, top = +d.top, x0 = +d.x0, x1 = +d.x1, y0 = +d.y0, y1 = +d.y1;
        var hi = [], lo = [], wide = false;
        f.t_s.forEach(function (t, k) {
          var tm = at + t * 1000;
          if (tm > t1 || tm < t0 || !z.low || !z.high) return;
          var x = (x0 + (tm - t0) / (t1 - t0) * (x1 - x0)).toFixed(1);
          var yy = function (v) { return (y0 + (1 - Math.min(v, top) / top) * (y1 - y0)).toFixed(1); };
          if (z.high[k] - z.low[k] > 1e-9) wide = true;
          hi.push(x + ',' + yy(z.high[k]));
          lo.unshift(x + ',' + yy(z.low[k]));
        });
        p.setAttribute('d', wide ? 'M' + hi.concat(lo).join('L') + 'Z' : '');
      });
      var panel = $('#forecast-reached[data-forecast-zone="' + esc(z.id) + '"] ul.reached');
      if (panel) {
        while (panel.firstChild) panel.removeChild(panel.firstChild);
        z.reached.forEach(function (r) {
          var li = document.createElement('li');
          li.dataset.what = r.what; li.dataset.reached = String(r.at_s !== null);
          li.appendChild(span('what', forecastLabel(r)));
          li.appendChild(document.createTextNode(' '));
          li.appendChild(span('when', forecastWhen(at, r.at_s)));
          panel.appendChild(li);
        });
      }
      var row = $('tr[data-forecast-row="' + esc(z.id) + '"]');
      if (row) {
        var peakLos = z.los.reduce(function (a, b) { return b > a ? b : a; }, 'A');
        var e = z.reached.filter(function (r) { return r.what === 'LOS E'; })[0];
        row.dataset.los = peakLos;
        var set = function (sel, text) { var c = $(sel, row); if (c) c.textContent = text; };
        set('.f-now', fixed(z.density[0], 2));
        set('.f-peak', fixed(z.peak_density, 2));
        set('.f-peak-los', peakLos);
        set('.f-e', forecastWhen(at, e ? e.at_s : null));
        set('.f-above', T('forecast-seconds', { s: fixed(z.seconds_at_los_e_or_worse, 0) }));
        set('.f-clear', z.clear_s === null ? T('forecast-none') : T('forecast-seconds', { s: fixed(z.clear_s, 0) }));
      }
    });
  }

  // Alerts already on the page count as open until the first snapshot.
  $$('#live-alerts li.alert').forEach(function (li) { if (li.dataset.status !== 'resolved') open[li.dataset.alert] = true; });

  // An exercise's message to the players as it is delivered: a pop under the banner, the
  // newest first, at most five, each closed by its button (the exercise's page keeps them
  // all). Incidents, CAP alerts and crowds arrive as such, not as pops.
  var pops = $('#inject-pops');
  function showInject(m) {
    if (!pops || m.kind !== 'message' || $('li[data-inject="' + esc(m.id) + '"]', pops)) return;
    var li = document.createElement('li');
    li.className = 'inject-pop';
    li.dataset.inject = m.id;
    li.dataset.kind = m.kind;
    var head = document.createElement('div');
    var id = document.createElement('strong');
    id.textContent = m.id + ' · ' + m.at + ' · ' + T('exercise-method-' + m.method);
    var route = document.createElement('small');
    route.textContent = ' ' + T('inject-pop-route', { from: m.from, to: m.to });
    head.appendChild(id);
    head.appendChild(route);
    var text = document.createElement('p');
    text.textContent = m.text;
    text.dir = 'auto';
    route.dir = 'auto';
    var close = document.createElement('button');
    close.type = 'button';
    close.className = 'dismiss';
    close.textContent = T('inject-pop-dismiss');
    close.addEventListener('click', function () { li.remove(); });
    [head, close, text].forEach(function (e) { li.appendChild(e); });
    pops.insertBefore(li, pops.firstChild);
    while (pops.children.length > 5) pops.removeChild(pops.lastChild);
  }

  // Incidents, units and tasks pushed live (only those the viewer may see, see live.rs): the
  // incident and unit lists insert or update their row, an incident's page its status, badge
  // and tasks. Where the page's forms were made for an older version, the record says so
  // (reload to act on it); a unit's status form takes the new version and status. Words come
  // from the catalog, zone and unit names from the tables' data attributes.
  function jsonData(el, key) { try { return JSON.parse(el.dataset[key] || '{}'); } catch (e) { return {}; } }
  function cell(tr, text, cls, dir) {
    var td = document.createElement('td');
    if (cls) td.className = cls;
    if (dir) td.dir = dir;
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }
  function timeSpan(at) {
    var d = new Date(at);
    var s = span('time-pair', dateTimePair(d));
    s.dataset.t = String(d.getTime() * 1000);
    return s;
  }
  function badgeEl(vis) { var s = span('badge vis-' + vis, T('vis-' + vis)); s.dataset.visibility = vis; return s; }
  function placeText(loc, zones) {
    if (!loc) return '';
    if (loc.zone !== undefined) return zones[loc.zone] || loc.zone;
    if (loc.point) return T('inc-point-at', { x: fixed(loc.point[0], 1), y: fixed(loc.point[1], 1) });
    return '';
  }
  function link(href, text, cls) { var a = document.createElement('a'); a.href = href; a.textContent = text; if (cls) a.className = cls; return a; }
  // Whether `rec` is newer than what `el` shows (and then `el` takes its version).
  function newer(el, rec) {
    if (+(el.dataset.version || 0) >= rec.version) return false;
    el.dataset.version = String(rec.version);
    return true;
  }
  function changed(el) {
    if (!el || $('.live-changed', el)) return;
    var n = span('live-changed', T('live-changed'));
    n.setAttribute('role', 'status');
    (el.tagName === 'TR' ? el.lastElementChild : el).appendChild(n);
  }
  function recount(table, id) {
    var section = table.closest('section'), n = table.tBodies[0].rows.length;
    var count = section && $('.count', section);
    if (count && id) { count.dataset.n = String(n); count.textContent = C(id, n); }
    var empty = section && $('.ops-empty', section);
    if (empty && n > 0) empty.remove();
  }
  var incTable = $('table#incidents'), unitTable = $('table#units');
  function applyIncident(inc) {
    if (incTable) {
      var tr = $('tr[data-incident="' + esc(inc.id) + '"]', incTable), filter = incTable.dataset.filter;
      if (filter && inc.status !== filter) { if (tr) { tr.remove(); recount(incTable, 'incidents-listed'); } }
      else {
        if (!tr) {
          tr = document.createElement('tr');
          tr.dataset.incident = inc.id;
          incTable.tBodies[0].insertBefore(tr, incTable.tBodies[0].firstChild);
          recount(incTable, 'incidents-listed');
        }
        if (newer(tr, inc)) {
          tr.dataset.status = inc.status;
          tr.dataset.severity = inc.severity;
          while (tr.firstChild) tr.removeChild(tr.firstChild);
          var a = link('/incidents/' + encodeURIComponent(inc.id), inc.id);
          a.dir = 'ltr';
          cell(tr, '').appendChild(a);
          cell(tr, inc.title, null, 'auto');
          cell(tr, inc.kind, null, 'auto');
          cell(tr, T('severity-' + inc.severity), 'sev');
          cell(tr, T('inc-status-' + inc.status));
          cell(tr, placeText(inc.location, jsonData(incTable, 'zones')));
          cell(tr, inc.agency, null, 'ltr');
          cell(tr, '').appendChild(badgeEl(inc.visibility));
          cell(tr, '').appendChild(timeSpan(inc.updated_at));
          tr.classList.add('live-new');
        }
      }
    }
    var page = $('section.incident[data-incident="' + esc(inc.id) + '"]');
    if (page && newer(page, inc)) {
      var st = $('#incident-status', page), sev = $('.incident-head .sev', page), b = $('.incident-head [data-visibility]', page);
      if (st) { st.dataset.status = inc.status; st.textContent = T('inc-status-' + inc.status); }
      if (sev) { sev.dataset.severity = inc.severity; sev.textContent = T('severity-' + inc.severity); }
      if (b) b.replaceWith(badgeEl(inc.visibility));
      changed($('.incident-head', page));
    }
  }
  function applyTask(t) {
    var table = $('table#tasks');
    if (!table || table.dataset.incident !== t.incident_id) return;
    var tr = $('tr[data-task="' + esc(t.id) + '"]', table);
    if (!tr) {
      tr = document.createElement('tr');
      tr.dataset.task = t.id;
      tr.dataset.unit = t.unit_id;
      cell(tr, jsonData(table, 'units')[t.unit_id] || t.unit_id, null, 'auto');
      cell(tr, t.note, null, 'auto');
      cell(tr, '', 'state');
      cell(tr, '');
      cell(tr, '');
      table.tBodies[0].appendChild(tr);
      recount(table, null);
      if ($('#task-form')) changed(tr);
    }
    if (!newer(tr, t)) return;
    tr.dataset.state = t.state;
    $('.state', tr).textContent = T('task-state-' + t.state);
    var when = tr.cells[3];
    while (when.firstChild) when.removeChild(when.firstChild);
    when.appendChild(timeSpan(t.updated_at));
    if ($('form', tr)) changed(tr);
  }
  function applyUnit(u) {
    if (!unitTable) return;
    var tr = $('tr[data-unit="' + esc(u.id) + '"]', unitTable);
    if (!tr) {
      tr = document.createElement('tr');
      tr.dataset.unit = u.id;
      tr.dataset.agency = u.agency;
      cell(tr, '', null, 'auto');
      cell(tr, u.agency, null, 'ltr');
      cell(tr, '');
      cell(tr, '', 'unit-status');
      cell(tr, '');
      cell(tr, '');
      var links = cell(tr, ''), path = '/units/' + encodeURIComponent(u.id);
      links.appendChild(link(path + '/ics214', T('unit-ics214'), 'ics214'));
      links.appendChild(document.createTextNode(' '));
      var csv = link('/api/v1' + path + '/ics214.csv', T('unit-csv'), 'csv');
      csv.setAttribute('download', '');
      links.appendChild(csv);
      cell(tr, '');
      unitTable.tBodies[0].appendChild(tr);
      recount(unitTable, 'units-listed');
      tr.classList.add('live-new');
    }
    if (!newer(tr, u)) return;
    tr.dataset.status = u.status;
    tr.cells[0].textContent = u.call_sign;
    tr.cells[2].textContent = T('unit-kind-' + u.kind);
    tr.cells[3].textContent = T('unit-status-' + u.status);
    tr.cells[4].textContent = placeText(u.position, jsonData(unitTable, 'zones'));
    var b = tr.cells[5];
    while (b.firstChild) b.removeChild(b.firstChild);
    b.appendChild(badgeEl(u.visibility));
    var f = $('form.unit-status-form', tr);
    if (f) { f.elements.version.value = String(u.version); f.elements.status.value = u.status; }
  }
  function recordsLagged() {
    [incTable, unitTable, $('table#tasks'), $('section.incident .incident-head')].forEach(function (el) {
      if (el) changed(el.tagName === 'TABLE' ? el.closest('section') : el);
    });
  }

  // Live connection with backoff; each new connection starts with a snapshot.
  var status = $('#live-status');
  function setLive(state) {
    if (!status) return;
    status.dataset.state = state;
    status.textContent = T(state === 'connected' ? 'live-connected' : 'live-reconnecting');
  }
  var attempt = 0;
  function connect() {
    if (!status) return;
    var ws;
    try { ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/api/v1/live'); }
    catch (e) { retry(); return; }
    ws.onopen = function () { attempt = 0; setLive('connected'); };
    ws.onmessage = function (ev) {
      var m; try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (m.type === 'snapshot') { applySnapshot(m.state); (m.alerts || []).forEach(applyAlert); }
      else if (m.type === 'update') applyUpdate(m);
      else if (m.type === 'alert') applyAlert(m.alert);
      else if (m.type === 'heat') drawHeat(m);
      else if (m.type === 'forecast') applyForecast(m.forecast);
      else if (m.type === 'inject') showInject(m);
      else if (m.type === 'incident') applyIncident(m.incident);
      else if (m.type === 'unit') applyUnit(m.unit);
      else if (m.type === 'task') applyTask(m.task);
      else if (m.type === 'records_lagged') recordsLagged();
    };
    ws.onclose = function () { setLive('reconnecting'); retry(); };
  }
  function retry() {
    var delay = Math.min(30000, 500 * Math.pow(2, attempt)) * (0.75 + Math.random() * 0.5);
    attempt += 1;
    setTimeout(connect, delay);
  }
  connect();

  // Acknowledge or resolve without leaving the page (the forms work without script too).
  document.addEventListener('submit', function (ev) {
    var f = ev.target;
    if (!f.classList || !f.classList.contains('alert-action')) return;
    ev.preventDefault();
    fetch(f.action, { method: 'POST', credentials: 'same-origin', headers: { 'Accept': 'application/json' },
      body: new URLSearchParams(new FormData(f)) })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (j) {
        if (j.status === 'resolved') { delete open[j.alert]; resolveAlert(j.alert); setCount(); return; }
        $$('[data-alert="' + esc(j.alert) + '"]').forEach(function (el) {
          if (!el.classList.contains('alert-marker')) setStatus(el, j.status);
        });
      })
      .catch(function () { f.submit(); });
  });

  // Pan and zoom of the map (viewBox in venue metres).
  var svg = $('#venue-map');
  if (svg) {
    var home = svg.getAttribute('data-home').split(' ').map(Number);
    var vb = home.slice();
    var set = function () { svg.setAttribute('viewBox', vb.map(function (x) { return x.toFixed(2); }).join(' ')); };
    var zoom = function (k, cx, cy) {
      if (cx === undefined) { cx = vb[0] + vb[2] / 2; cy = vb[1] + vb[3] / 2; }
      var w = Math.min(home[2] * 2, Math.max(home[2] / 200, vb[2] * k));
      var h = vb[3] * (w / vb[2]);
      vb = [cx - (cx - vb[0]) * (w / vb[2]), cy - (cy - vb[1]) * (h / vb[3]), w, h];
      set();
    };
    var toVenue = function (ev) {
      var r = svg.getBoundingClientRect();
      var s = Math.max(vb[2] / r.width, vb[3] / r.height);
      var ox = (r.width * s - vb[2]) / 2, oy = (r.height * s - vb[3]) / 2;
      return [vb[0] - ox + (ev.clientX - r.left) * s, vb[1] - oy + (ev.clientY - r.top) * s, s];
    };
    svg.addEventListener('wheel', function (ev) {
      ev.preventDefault();
      var p = toVenue(ev);
      zoom(ev.deltaY < 0 ? 0.8 : 1.25, p[0], p[1]);
    }, { passive: false });
    var drag = null, moved = false;
    svg.addEventListener('pointerdown', function (ev) { drag = [ev.clientX, ev.clientY]; moved = false; });
    svg.addEventListener('pointermove', function (ev) {
      if (!drag) return;
      var s = toVenue(ev)[2];
      var dx = ev.clientX - drag[0], dy = ev.clientY - drag[1];
      if (Math.abs(dx) + Math.abs(dy) > 3) { moved = true; svg.classList.add('dragging'); }
      if (!moved) return;
      vb[0] -= dx * s; vb[1] -= dy * s; drag = [ev.clientX, ev.clientY]; set();
    });
    var end = function () { drag = null; svg.classList.remove('dragging'); };
    svg.addEventListener('pointerup', end);
    svg.addEventListener('pointerleave', end);
    svg.addEventListener('click', function (ev) { if (moved) { ev.preventDefault(); moved = false; } }, true);
    var btn = function (id, f) { var b = document.getElementById(id); if (b) b.addEventListener('click', f); };
    btn('zoom-in', function () { zoom(0.7); });
    btn('zoom-out', function () { zoom(1 / 0.7); });
    btn('zoom-reset', function () { vb = home.slice(); set(); });
    var heat = $('#heat-toggle'), layer = $('#heat');
    var legend = $('.heat-legend');
    if (heat && layer) heat.addEventListener('change', function () {
      [layer, legend].forEach(function (el) {
        if (!el) return;
        if (heat.checked) el.removeAttribute('hidden'); else el.setAttribute('hidden', '');
      });
      svg.classList.toggle('heat-on', heat.checked);
    });
  }
})();
