/*
 * Switchboard live dashboard: plain JavaScript, no build step, no third-party code.
 * Loads tenants, queues, alerts and each queue's last hour of 1-minute windows from the query API,
 * then follows server-sent events from /api/events (snapshot, tenant, alert) and updates in place.
 */
(function () {
  'use strict';

  const queues = new Map();   // id -> latest snapshot JSON
  const tenants = new Map();  // id -> latest tenant summary JSON
  const charts = new Map();   // id -> {points: [{t, v}], fetchedAt}
  const alertLog = [];        // newest first
  const MAX_ALERTS = 50;
  const CHART_REFRESH_MS = 30000;

  const $ = (sel) => document.querySelector(sel);

  function text(v, suffix) {
    return v === null || v === undefined ? '–' : String(v) + (suffix || '');
  }

  function duration(ms) {
    if (ms === null || ms === undefined) return '–';
    const s = Math.round(ms / 1000);
    if (s < 60) return s + 's';
    const m = Math.floor(s / 60);
    if (m < 60) return m + 'm' + (s % 60 ? String(s % 60).padStart(2, '0') + 's' : '');
    return Math.floor(m / 60) + 'h' + String(m % 60).padStart(2, '0') + 'm';
  }

  function percent(v) {
    return v === null || v === undefined ? '–' : v.toFixed(1) + '%';
  }

  function api(path) {
    return fetch(path, { headers: { 'Accept': 'application/json' } }).then((r) => {
      if (!r.ok) throw new Error(path + ' answered ' + r.status);
      return r.json();
    });
  }

  function setCell(cell, value) {
    if (cell.textContent !== value) {
      cell.textContent = value;
      cell.classList.remove('changed');
      void cell.offsetWidth; // restart the flash animation
      cell.classList.add('changed');
    }
  }

  // ---------------------------------------------------------------- tenants

  function renderTenant(t) {
    tenants.set(t.id, t);
    let card = document.querySelector('.tenant[data-tenant-id="' + CSS.escape(t.id) + '"]');
    if (!card) {
      card = document.createElement('div');
      card.className = 'tenant';
      card.dataset.tenantId = t.id;
      card.innerHTML = '<h3></h3><dl>' +
        '<dt>queues</dt><dd data-field="queues"></dd>' +
        '<dt>waiting</dt><dd data-field="waiting"></dd>' +
        '<dt>longest wait</dt><dd data-field="longestWaitingMs"></dd>' +
        '<dt>agents available</dt><dd data-field="agentsAvailable"></dd>' +
        '<dt>service level</dt><dd data-field="serviceLevelPercent"></dd>' +
        '<dt>queues in breach</dt><dd data-field="queuesInBreach"></dd>' +
        '<dt>stale queues</dt><dd data-field="staleQueues"></dd>' +
        '<dt>worst queue</dt><dd data-field="worstQueue"></dd></dl>';
      const all = Array.from(document.querySelectorAll('.tenant'));
      const after = all.find((c) => c.dataset.tenantId > t.id);
      $('#tenants').insertBefore(card, after || null);
      addTenantOption(t.id);
    }
    card.querySelector('h3').textContent = t.id + (t.tenantId ? ' · ' + t.tenantId : '') + ' (' + t.provider + ')';
    card.classList.toggle('breach', t.queuesInBreach > 0);
    const f = (name) => card.querySelector('[data-field="' + name + '"]');
    setCell(f('queues'), text(t.queues));
    setCell(f('waiting'), text(t.waiting));
    setCell(f('longestWaitingMs'), duration(t.longestWaitingMs));
    setCell(f('agentsAvailable'), text(t.agentsAvailable));
    setCell(f('serviceLevelPercent'), percent(t.serviceLevelPercent));
    setCell(f('queuesInBreach'), text(t.queuesInBreach));
    setCell(f('staleQueues'), text(t.staleQueues));
    setCell(f('worstQueue'), t.worstQueueId ? (t.worstQueueName || t.worstQueueId) : '–');
  }

  function addTenantOption(id) {
    const select = $('#tenant-filter');
    if (Array.from(select.options).some((o) => o.value === id)) return;
    const o = document.createElement('option');
    o.value = id;
    o.textContent = id;
    select.appendChild(o);
  }

  // ---------------------------------------------------------------- queues

  function rowFor(id) {
    return document.querySelector('tr[data-queue-id="' + CSS.escape(id) + '"]');
  }

  function renderQueue(q) {
    const prev = queues.get(q.id);
    if (prev && prev.updatedAt > q.updatedAt) return; // an older answer (the first load) after a live event
    queues.set(q.id, q);
    let row = rowFor(q.id);
    if (!row) {
      row = document.createElement('tr');
      row.dataset.queueId = q.id;
      row.innerHTML = '<td data-field="name"></td><td data-field="tenant"></td>' +
        '<td class="num" data-field="waiting"></td><td class="num" data-field="longestWaitingMs"></td>' +
        '<td class="num" data-field="agentsAvailable"></td><td class="num" data-field="serviceLevelPercent"></td>' +
        '<td data-field="alerts"></td><td data-field="chart"></td><td class="data" data-field="stale"></td>';
      const rows = Array.from(document.querySelectorAll('#queue-rows tr'));
      const after = rows.find((r) => r.dataset.queueId > q.id);
      $('#queue-rows').insertBefore(row, after || null);
      $('#no-queues').hidden = true;
      addTenantOption(q.credentialId);
    }
    const f = (name) => row.querySelector('[data-field="' + name + '"]');
    f('name').textContent = q.queueName ? q.queueName + ' ' : '';
    if (!f('name').querySelector('small')) {
      const small = document.createElement('small');
      small.className = 'muted';
      f('name').appendChild(small);
    }
    f('name').querySelector('small').textContent = q.id;
    f('tenant').textContent = q.credentialId;
    setCell(f('waiting'), text(q.waiting));
    setCell(f('longestWaitingMs'), duration(q.longestWaitingMs));
    setCell(f('agentsAvailable'), text(q.agentsAvailable));
    setCell(f('serviceLevelPercent'), percent(q.serviceLevelPercent));
    const firing = q.alertsFiring || [];
    f('alerts').innerHTML = '';
    firing.forEach((rule) => {
      const b = document.createElement('span');
      b.className = 'badge firing';
      b.textContent = rule;
      f('alerts').appendChild(b);
    });
    row.classList.toggle('stale', !!q.stale);
    row.dataset.stale = q.stale ? 'true' : 'false';
    f('stale').innerHTML = q.stale ? '<span class="badge stale">STALE</span>' : '<span class="badge fresh">live</span>';
    f('stale').title = 'updated ' + q.updatedAt;
    applyFilter(row);
    updateChart(q);
  }

  function applyFilter(row) {
    const tenant = $('#tenant-filter').value;
    const q = queues.get(row.dataset.queueId);
    row.hidden = !!tenant && q && q.credentialId !== tenant && q.tenantId !== tenant;
  }

  // ---------------------------------------------------------------- charts

  function updateChart(q) {
    const c = charts.get(q.id) || { points: [], fetchedAt: 0 };
    charts.set(q.id, c);
    const now = Date.now();
    if (now - c.fetchedAt > CHART_REFRESH_MS) {
      c.fetchedAt = now;
      const to = new Date(Date.parse(q.observedAt) + 60000);
      const from = new Date(to.getTime() - 3600000);
      api('/api/queues/' + encodeURIComponent(q.id) + '/windows?size=1m&from=' + from.toISOString() + '&to=' + to.toISOString())
        .then((body) => {
          c.points = body.data.items.map((w) => ({ t: Date.parse(w.windowStart), v: w.waitingAvg === null ? 0 : w.waitingAvg }));
          drawChart(q.id);
        })
        .catch(() => { c.fetchedAt = 0; });
    } else {
      // the live value moves the newest minute's point until the next fetch
      const minute = Math.floor(Date.parse(q.observedAt) / 60000) * 60000;
      const last = c.points[c.points.length - 1];
      if (last && last.t === minute) {
        last.v = q.waiting === null ? last.v : q.waiting;
      } else if (q.waiting !== null) {
        c.points.push({ t: minute, v: q.waiting });
      }
      drawChart(q.id);
    }
  }

  function drawChart(id) {
    const row = rowFor(id);
    const c = charts.get(id);
    if (!row || !c) return;
    const W = 180, H = 34;
    const pts = c.points.slice(-60);
    const cell = row.querySelector('[data-field="chart"]');
    if (pts.length === 0) {
      cell.innerHTML = '<span class="muted">no windows yet</span>';
      return;
    }
    const tMax = pts[pts.length - 1].t;
    const tMin = tMax - 59 * 60000;
    const vMax = Math.max(1, ...pts.map((p) => p.v));
    const xy = pts.map((p) => {
      const x = ((p.t - tMin) / (59 * 60000)) * (W - 2) + 1;
      const y = H - 2 - (p.v / vMax) * (H - 4);
      return x.toFixed(1) + ',' + y.toFixed(1);
    }).join(' ');
    cell.innerHTML = '<svg class="spark" width="' + W + '" height="' + H + '" role="img" aria-label="waiting, last hour">' +
      '<line x1="0" y1="' + (H - 1) + '" x2="' + W + '" y2="' + (H - 1) + '"></line>' +
      '<polyline points="' + xy + '"></polyline>' +
      '<circle r="2" cx="' + xy.split(' ').pop().split(',')[0] + '" cy="' + xy.split(' ').pop().split(',')[1] + '"></circle></svg>';
    cell.dataset.points = String(pts.length);
  }

  // ---------------------------------------------------------------- alerts

  function renderAlert(a) {
    alertLog.unshift(a);
    alertLog.splice(MAX_ALERTS);
    const list = $('#alerts');
    list.innerHTML = '';
    alertLog.forEach((x) => {
      const li = document.createElement('li');
      li.className = x.state;
      li.dataset.alertId = x.id + '|' + x.rule;
      const time = document.createElement('time');
      time.textContent = x.raisedAt;
      li.appendChild(time);
      li.appendChild(document.createTextNode('[' + x.state + ' ' + (x.severity || '') + '] ' + (x.message || x.rule)));
      list.appendChild(li);
    });
  }

  // ---------------------------------------------------------------- wiring

  function stamp() {
    $('#updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  }

  function connect() {
    const source = new EventSource('/api/events');
    const conn = $('#connection');
    source.onopen = () => { conn.textContent = 'live'; conn.className = 'conn conn-on'; };
    source.onerror = () => { conn.textContent = 'reconnecting…'; conn.className = 'conn conn-off'; };
    source.addEventListener('snapshot', (e) => { renderQueue(JSON.parse(e.data)); stamp(); });
    source.addEventListener('tenant', (e) => { renderTenant(JSON.parse(e.data)); stamp(); });
    source.addEventListener('alert', (e) => { renderAlert(JSON.parse(e.data)); stamp(); });
  }

  function load() {
    return Promise.all([
      api('/api/tenants').then((b) => b.items.forEach(renderTenant)).catch(() => {}),
      api('/api/queues?pageSize=1000&sort=id').then((b) => b.items.forEach(renderQueue)).catch(() => {}),
      api('/api/alerts?state=all').then((b) => b.items.slice().reverse().forEach(renderAlert)).catch(() => {}),
    ]).then(stamp);
  }

  $('#tenant-filter').addEventListener('change', () => {
    document.querySelectorAll('#queue-rows tr').forEach(applyFilter);
  });
  connect();
  load();
})();
