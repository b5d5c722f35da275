// The chainsync operator page: reads GET /v1/status with an admin key and renders it; retries dead
// letters and resolves reviews through the ordinary API. Every value is put in the page as text
// (textContent), never as HTML: webhook URLs, errors and notes come from outside.
'use strict';

(() => {
  const STORAGE_KEY = 'chainsync.status.adminKey';
  const REFRESH_MS = 15000;
  const $ = (id) => document.getElementById(id);

  /** An answer that was not 2xx, with the problem document's detail when there is one. */
  class ApiError extends Error {
    constructor(status, detail) {
      super(detail);
      this.status = status;
    }
  }

  const adminKey = () => sessionStorage.getItem(STORAGE_KEY);

  /** A fresh Idempotency-Key (crypto.randomUUID needs https; getRandomValues works on plain http too). */
  function idempotencyKey() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return 'status-page-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  async function api(method, path, body) {
    const headers = { Authorization: 'Bearer ' + adminKey(), Accept: 'application/json' };
    const init = { method, headers, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' };
    if (method === 'POST') {
      headers['Idempotency-Key'] = idempotencyKey();
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body || {});
    }
    const res = await fetch(path, init);
    let json = null;
    try {
      json = await res.json();
    } catch (e) {
      json = null;
    }
    if (!res.ok) {
      const detail = json && json.detail ? json.detail : res.status + ' ' + res.statusText;
      throw new ApiError(res.status, detail);
    }
    return json;
  }

  // ------------------------------------------------------------------ rendering helpers

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) {
      e.textContent = String(text);
    }
    if (cls) {
      e.className = cls;
    }
    return e;
  }

  function badge(word) {
    return el('span', word, 'badge ' + String(word).replace(/[^a-z_]/gi, ''));
  }

  /** A table cell: a Node as it is, a number right-aligned, null as a dash, anything else as text. */
  function cell(v) {
    const td = el('td');
    if (v instanceof Node) {
      td.appendChild(v);
    } else if (v === null || v === undefined) {
      td.textContent = '—';
    } else if (typeof v === 'number') {
      td.textContent = String(v);
      td.className = 'num';
    } else {
      td.textContent = String(v);
      td.className = 'wrap';
    }
    return td;
  }

  function fill(tbodyId, rows, columns, empty) {
    const tbody = $(tbodyId);
    tbody.replaceChildren();
    if (rows.length === 0) {
      const tr = el('tr');
      const td = el('td', empty, 'empty');
      td.colSpan = columns;
      tr.appendChild(td);
      tbody.appendChild(tr);
      return;
    }
    for (const cells of rows) {
      const tr = el('tr');
      cells.forEach((c) => tr.appendChild(cell(c)));
      tbody.appendChild(tr);
    }
  }

  /** A section that could not be read says so and shows no rows. */
  function sectionFailed(section, summaryId, tbodyIds) {
    if (!section || !section.error) {
      return false;
    }
    const p = $(summaryId);
    p.textContent = 'Cannot read this section: ' + section.error;
    p.className = 'summary section-error';
    tbodyIds.forEach((id) => $(id).replaceChildren());
    return true;
  }

  function summary(id, text) {
    const p = $(id);
    p.textContent = text;
    p.className = 'summary';
  }

  const seconds = (s) => (s === null || s === undefined ? '—' : Number(s).toFixed(1));
  const json = (v) => (v === null || v === undefined ? null : JSON.stringify(v));

  // ------------------------------------------------------------------ sections

  function renderChain(c) {
    if (sectionFailed(c, 'chain-summary', ['chain-endpoints'])) {
      return;
    }
    summary('chain-summary', c.name + ': ' + c.status + ', block height ' + c.block_height
        + ', circuit breaker ' + c.circuit_breaker + (c.detail ? ' (' + c.detail + ')' : ''));
    fill('chain-endpoints', c.endpoints.map((e) => [
      e.endpoint, badge(e.status), e.block_height, e.lag_blocks, badge(e.circuit_breaker), e.last_error,
    ]), 6, 'No RPC endpoint.');
  }

  function renderIngest(i) {
    if (sectionFailed(i, 'ingest-summary', ['ingest-sources'])) {
      return;
    }
    summary('ingest-summary', (i.running ? 'Ingest runs in this instance' : 'Ingest does not run in this instance')
        + '; circuit breaker ' + i.circuit_breaker + '; ' + i.dead_letters_not_replayed
        + ' ingest dead letters not replayed' + (i.error ? '; Redis: ' + i.error : '') + '.');
    fill('ingest-sources', i.sources.map((s) => [
      s.source, s.stream, s.lag_seconds === undefined ? null : Number(s.lag_seconds.toFixed(1)),
      s.lag_entries, s.pending_entries, s.last_block_number, s.last_commit_at,
    ]), 7, 'No ingest source reports here.');
  }

  function renderOutbox(o) {
    if (sectionFailed(o, 'outbox-summary', ['dead-letters'])) {
      return;
    }
    summary('outbox-summary', 'Pending ' + o.pending + ', submitted ' + o.submitted + ', dead-lettered '
        + o.dead_lettered + '. Oldest unfinished: ' + seconds(o.oldest_pending_age_seconds) + ' s'
        + (o.oldest_pending_since ? ' (since ' + o.oldest_pending_since + ')' : '')
        + '; the relay counts as lagging past ' + o.max_pending_age_seconds + ' s.'
        + (o.more_dead_letters ? ' More dead letters than shown: GET /v1/operations?status=dead_lettered.' : ''));
    fill('dead-letters', o.dead_letters.map((op) => {
      const retry = el('button', 'Retry');
      retry.dataset.retry = op.id;
      retry.addEventListener('click', () => act(retry, 'POST', '/v1/operations/' + op.id + '/retry', null,
          'Operation ' + op.id + ' is pending again; the relay will submit it.'));
      return [op.id, op.kind, op.aggregate_id, op.failures, op.last_error, op.updated_at, retry];
    }), 7, 'No dead letters.');
  }

  function resolveControls(review) {
    const box = el('div', null, 'resolve');
    const note = el('input');
    note.placeholder = 'note (optional)';
    note.maxLength = 2000;
    note.dataset.note = review.id;
    box.appendChild(note);
    for (const [resolution, label] of [['accept_chain', 'Accept chain'], ['accept_database', 'Accept database'],
        ['dismiss', 'Dismiss']]) {
      const b = el('button', label);
      b.dataset.resolve = review.id;
      b.dataset.resolution = resolution;
      b.addEventListener('click', () => {
        if (!window.confirm(label + ' for review ' + review.id + ' (' + review.data_type + ' ' + review.key + ')?')) {
          return;
        }
        const body = { resolution };
        if (note.value.trim() !== '') {
          body.note = note.value.trim();
        }
        act(b, 'POST', '/v1/reviews/' + review.id + '/resolve', body,
            'Review ' + review.id + ' resolved: ' + resolution + '.');
      });
      box.appendChild(b);
    }
    return box;
  }

  function renderReconciliation(r) {
    if (sectionFailed(r, 'reviews-summary', ['runs', 'reviews'])) {
      return;
    }
    fill('runs', r.runs.map((run) => [
      run.id, run.kind, badge(run.status), run.started_at, run.finished_at,
      run.healed, run.rewritten, run.reviewed, run.reported, run.error,
    ]), 10, 'No run yet.');
    summary('reviews-summary', r.open_reviews.length + ' waiting for a person'
        + (r.more_reviews ? ' (more than shown: GET /v1/reviews?status=open)' : '') + '.');
    fill('reviews', r.open_reviews.map((v) => [
      v.id, v.data_type, v.key, v.finding, json(v.chain), json(v.database),
      el('span', v.status + (v.assignee ? ' to ' + v.assignee : ''), 'badge ' + v.status), resolveControls(v),
    ]), 8, 'No open review.');
  }

  function renderWebhooks(w) {
    if (sectionFailed(w, 'webhooks-summary', ['webhook-endpoints'])) {
      return;
    }
    summary('webhooks-summary', 'Dispatcher ' + w.status + '; ' + (w.pending ?? '—') + ' messages pending, '
        + (w.dead_lettered ?? '—') + ' dead-lettered; oldest due message waiting '
        + seconds(w.oldest_due_age_seconds) + ' s' + (w.detail ? '; ' + w.detail : '') + '.');
    fill('webhook-endpoints', w.endpoints.map((e) => [
      e.id, e.url, badge(e.health), e.pending, e.dead_lettered, e.failing_since, e.disabled_reason,
    ]), 7, 'No webhook endpoint.');
  }

  // ------------------------------------------------------------------ state

  const TABLES = ['chain-endpoints', 'ingest-sources', 'dead-letters', 'runs', 'reviews', 'webhook-endpoints'];
  const SUMMARIES = ['chain-summary', 'ingest-summary', 'outbox-summary', 'reviews-summary', 'webhooks-summary'];

  /** Shows a state; any state but ready removes every value from the page. */
  function show(state, message) {
    document.body.dataset.state = state;
    $('message').textContent = message || '';
    if (state !== 'ready') {
      TABLES.forEach((id) => $(id).replaceChildren());
      SUMMARIES.forEach((id) => { $(id).textContent = ''; });
      $('updated').textContent = '';
      $('notice').textContent = '';
    }
    $('data').hidden = state !== 'ready';
  }

  /** Bumped by every load, so an answer that arrives after a newer request was sent is dropped. */
  let generation = 0;

  async function load() {
    const mine = ++generation;
    if (!adminKey()) {
      show('no-key', 'Paste an admin API key to see the status. Nothing is shown without one.');
      return;
    }
    try {
      const s = await api('GET', '/v1/status');
      if (mine !== generation) {
        return;
      }
      renderChain(s.chain);
      renderIngest(s.ingest);
      renderOutbox(s.outbox);
      renderReconciliation(s.reconciliation);
      renderWebhooks(s.webhooks);
      $('updated').textContent = 'As of ' + s.generated_at + ' (service clock).';
      show('ready');
    } catch (e) {
      if (mine === generation) {
        refused(e, 'Could not load the status: ');
      }
    }
  }

  /** A refused key is forgotten, so the next paste starts clean; other failures keep it. */
  function refused(e, prefix) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
      sessionStorage.removeItem(STORAGE_KEY);
      const why = e.status === 403
        ? 'Refused: this key is not an admin key (' + e.message + '). The status page needs the admin scope.'
        : 'Refused: ' + e.message + '. Paste an admin API key.';
      show('refused', why);
      return true;
    }
    const hint = e instanceof ApiError && e.status >= 500
      ? ' The service could not answer; /health (open, no key needed) shows which component is down.'
      : '';
    show('error', prefix + e.message + hint);
    return false;
  }

  /** Runs one action button's request, then reloads; the outcome is shown above the sections. */
  async function act(button, method, path, body, done) {
    button.disabled = true;
    try {
      await api(method, path, body);
      await load();
      if (document.body.dataset.state === 'ready') {
        $('notice').textContent = done;
      }
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        refused(e, '');
        return;
      }
      $('notice').textContent = '';
      $('message').textContent = 'Failed: ' + e.message;
      button.disabled = false;
    }
  }

  /** Automatic refreshes wait while the operator types a note. */
  function refresh() {
    const active = document.activeElement;
    if (document.hidden || (active && active.tagName === 'INPUT' && $('data').contains(active))) {
      return;
    }
    if (adminKey()) {
      load();
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('key-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const k = $('key').value.trim();
      $('key').value = '';
      if (k === '') {
        sessionStorage.removeItem(STORAGE_KEY);
      } else {
        sessionStorage.setItem(STORAGE_KEY, k);
      }
      show('loading');
      load();
    });
    $('forget-key').addEventListener('click', () => {
      generation++;
      sessionStorage.removeItem(STORAGE_KEY);
      show('no-key', 'Key forgotten. Paste an admin API key to see the status.');
    });
    setInterval(refresh, REFRESH_MS);
    load();
  });
})();
