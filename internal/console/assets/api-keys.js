// User settings › API keys: the logged-in user's own keys (user-level
// access keys), with a new key by pasting a public key or generating a
// pair, and revocation.
import * as api from './api.js';
import { h, replace } from './dom.js';
import { pageHeader, button, card, errorContent } from './ui.js';
import { keyTable, newKeyDialog, revokeKey, activeKeys } from './keys.js';

const collection = '/me/keys';

export async function renderApiKeys(ctx) {
  const body = h('div', { class: 'page-body' }, h('div', { class: 'loading' }, 'Loading…'));
  replace(ctx.page,
    pageHeader('API keys',
      'Your own keys: the SDK signs requests with them and acts as you (' + ctx.me.email + ').',
      button('New key', () => newKeyDialog({
        heading: 'New API key', submitLabel: 'Create', collection, onAdded: () => load(ctx, body),
      }), 'primary', { id: 'new-key' })),
    body);
  await load(ctx, body);
}

async function load(ctx, body) {
  let keys;
  let workspace;
  try {
    [keys, workspace] = await Promise.all([api.listAll(collection), api.get('/workspace')]);
  } catch (err) {
    replace(body, h('div', { class: 'panel-error' }, errorContent(err)));
    return;
  }
  replace(body, card('Keys · ' + activeKeys(keys).length + ' of ' + workspace.quotas.keysPerUser + ' active',
    keyTable(keys, (k) => revokeKey(collection, k, () => load(ctx, body)),
      'No keys yet. Click New key to paste a public key or generate a key pair.')));
}
