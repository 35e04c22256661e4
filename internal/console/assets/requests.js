// Diagnostics › Requests: why was my SDK call refused? The journal of the
// SDK plane's authentication decisions (GET /_emulator/requests), newest
// first, with the SDK's trace id, the key, the principal and the precise
// reason; filterable by outcome, and refreshing by itself.
//
// The journal is on the control plane. When the emulator runs with
// EMULATOR_ADMIN_TOKEN, the control plane needs that token: the page asks
// for it and keeps it in memory only (api.js).
import * as api from './api.js';
import { h, replace, badge, formatTime, mono } from './dom.js';
import { pageHeader, button, card, field, errorContent } from './ui.js';

const refreshMillis = 2000;

export async function renderRequests(ctx) {
  const outcome = h('select', { id: 'journal-outcome', 'aria-label': 'Outcome' },
    h('option', { value: '' }, 'All outcomes'),
    h('option', { value: 'denied' }, 'Denied'),
    h('option', { value: 'allowed' }, 'Allowed'));
  const auto = h('input', { type: 'checkbox', id: 'journal-auto', checked: true });
  const status = h('span', { class: 'toolbar-status', id: 'journal-status' });
  const tokenState = h('span', { class: 'toolbar-token', id: 'journal-token-state' });
  const body = h('div', { class: 'page-body', id: 'journal' }, h('div', { class: 'loading' }, 'Loading…'));
  let shown = null; // what the table shows, to redraw only on change
  let timer = null;

  const stop = () => {
    clearInterval(timer);
    timer = null;
  };
  const start = () => {
    stop();
    if (auto.checked) timer = setInterval(refresh, refreshMillis);
  };
  ctx.onLeave(stop);

  async function refresh() {
    let entries;
    try {
      entries = await api.journal(outcome.value);
    } catch (err) {
      if (err instanceof api.ApiError && err.status === 401) {
        stop();
        shown = null;
        const tried = api.hasAdminToken();
        api.setAdminToken(null);
        showTokenForm(body, err, tried, () => {
          start();
          refresh();
        });
        showTokenState();
        return;
      }
      replace(status, h('span', { class: 'text-error' }, 'Refresh failed: ', err.message));
      return;
    }
    showTokenState();
    replace(status, entries.length + ' decision' + (entries.length === 1 ? '' : 's') + ' · updated ' + new Date().toLocaleTimeString());
    const key = outcome.value + '|' + entries.length + '|' + (entries[0] ? entries[0].seq : 0);
    if (key === shown) return;
    shown = key;
    replace(body, journalList(entries, outcome.value));
  }

  function showTokenState() {
    if (!api.hasAdminToken()) {
      replace(tokenState);
      return;
    }
    replace(tokenState, 'Admin token: in this page\'s memory only · ',
      h('button', { type: 'button', class: 'link-button', id: 'forget-admin-token', onclick: () => {
        api.setAdminToken(null);
        refresh();
      } }, 'Forget'));
  }

  outcome.addEventListener('change', refresh);
  auto.addEventListener('change', start);

  replace(ctx.page,
    pageHeader('Requests',
      'Why was my SDK call refused? Every authentication decision of the SDK plane, newest first. ' +
      'Match the trace id that the SDK prints in its exception.'),
    h('div', { class: 'toolbar' },
      h('label', { class: 'toolbar-item' }, 'Outcome ', outcome),
      h('label', { class: 'toolbar-item checkbox' }, auto, ' Refresh every ' + refreshMillis / 1000 + ' s'),
      button('Refresh now', refresh, 'secondary', { id: 'journal-refresh', class: 'btn btn-secondary btn-small' }),
      status,
      tokenState),
    body);
  start();
  await refresh();
}

// journalList shows one entry per decision: what was called and how it
// ended, then why, then the facts to match it with (trace id, key,
// principal).
function journalList(entries, outcome) {
  if (entries.length === 0) {
    return h('div', { class: 'empty' }, outcome
      ? 'No ' + outcome + ' SDK requests yet.'
      : 'No SDK requests yet. Point the SDK at this emulator and its calls appear here.');
  }
  return h('div', { class: 'entries' }, entries.map((e) => h('article', {
    class: 'entry entry-' + e.outcome, 'data-trace-id': e.traceId || null, 'data-outcome': e.outcome,
  },
  h('div', { class: 'entry-head' },
    badge(e.outcome), h('span', { class: 'entry-status' }, 'HTTP ' + e.status),
    h('span', { class: 'request-line' }, h('span', { class: 'method' }, e.method), ' ', mono(e.target)),
    h('span', { class: 'entry-scheme' }, schemeLabel(e.scheme)),
    h('span', { class: 'entry-time' }, formatTime(e.time))),
  e.outcome === 'allowed' ? null : h('div', { class: 'entry-reason' },
    h('code', { class: 'reason-code' }, e.reason), ' ', h('span', { class: 'reason-message' }, e.message)),
  h('dl', { class: 'entry-facts' },
    fact('Trace id', e.traceId ? mono(e.traceId) : null),
    fact('Key', e.keyId ? mono(e.keyId.slice(0, 16) + '…', e.keyId) : null),
    fact('Principal', e.principal
      ? [e.principal.email, ' ', h('span', { class: 'muted' },
        '(' + (e.principal.type === 'service_account' ? 'service account' : 'user') + ' · ' + e.principal.role + ')')]
      : null)),
  e.signatureBase ? h('details', { class: 'signature-base' },
    h('summary', {}, 'Signature base the server computed'),
    h('pre', { class: 'code-block' }, e.signatureBase)) : null)));
}

function fact(label, value) {
  return h('div', { class: 'fact' }, h('dt', {}, label), h('dd', {}, value === null ? h('span', { class: 'muted' }, 'none') : value));
}

function schemeLabel(scheme) {
  switch (scheme) {
    case 'v1': return 'v1 signature';
    case 'v2': return 'v2 signature';
    case 'bearer': return 'bearer token';
    default: return 'no credentials';
  }
}

// showTokenForm asks for the control plane's admin token; tried says the
// server has just refused one.
function showTokenForm(body, err, tried, onToken) {
  const input = h('input', { id: 'admin-token', type: 'password', autocomplete: 'off', required: true });
  replace(body, card('The control plane is protected',
    h('div', { class: 'token-form-text' },
      h('p', {}, 'This emulator runs with an admin token (', mono('EMULATOR_ADMIN_TOKEN'), '), and the journal is on the control plane, ',
        'so reading it needs that token. Your session does not grant it.'),
      h('p', {}, 'The console keeps the token in this page\'s memory only, never in storage or the URL, and sends it only to ',
        mono('GET /_emulator/requests'), '. Reloading the page or logging out forgets it.')),
    h('div', { class: 'panel-error', id: 'admin-token-error' },
      h('strong', {}, tried ? 'The emulator refused this token: ' : 'The control plane answered: '), errorContent(err)),
    h('form', {
      class: 'inline-form',
      id: 'admin-token-form',
      onsubmit: (ev) => {
        ev.preventDefault();
        api.setAdminToken(input.value);
        onToken();
      },
    }, field('Admin token', input), h('button', { type: 'submit', class: 'btn btn-primary', id: 'admin-token-submit' }, 'Use token'))));
  input.focus();
}
