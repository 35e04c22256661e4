// Workspace settings › Service accounts: the list, creation, and one
// account's page (its role, its API keys, deletion). Only workspace admins
// manage service accounts; for anyone else the server refuses, and the
// page shows its answer.
import * as api from './api.js';
import { h, replace, badge, formatTime, plural, mono } from './dom.js';
import { pageHeader, button, table, card, field, openDialog, confirmAction, notify, flash, errorContent } from './ui.js';
import { keyTable, newKeyDialog, revokeKey, activeKeys } from './keys.js';

const collection = '/workspace/service-accounts';

function accountPath(id) {
  return collection + '/' + encodeURIComponent(id);
}

export async function renderServiceAccounts(ctx) {
  const body = h('div', { class: 'page-body' }, h('div', { class: 'loading' }, 'Loading…'));
  replace(ctx.page,
    pageHeader('Service accounts',
      'Service accounts use the SDK with workspace access keys. They cannot log in to the UI.',
      button('Create service account', () => createDialog(ctx), 'primary', { id: 'create-service-account' })),
    body);
  await load(ctx, body);
}

async function load(ctx, body) {
  let accounts;
  let workspace;
  try {
    [accounts, workspace] = await Promise.all([api.listAll(collection), api.get('/workspace')]);
  } catch (err) {
    replace(body, h('div', { class: 'panel-error', id: 'service-accounts-error' }, errorContent(err)));
    return;
  }
  const keys = await Promise.all(accounts.map((sa) => api.listAll(accountPath(sa.id) + '/keys')));
  const counts = new Map(accounts.map((sa, i) => [sa.id, activeKeys(keys[i]).length]));
  replace(body,
    h('div', { class: 'quota-line', id: 'service-account-quota' },
      workspace.usage.serviceAccounts + ' of ' + workspace.quotas.serviceAccounts + ' service accounts used · ',
      'up to ' + plural(workspace.quotas.keysPerServiceAccount, 'active key') + ' each'),
    table([
      ['Name', (sa) => h('a', { href: '#/service-accounts/' + encodeURIComponent(sa.id), class: 'link-strong' }, sa.name)],
      ['Email', (sa) => mono(sa.email)],
      ['Role', (sa) => badge(sa.role)],
      ['API keys', (sa) => h('span', { class: 'key-count' }, String(counts.get(sa.id)))],
      ['Created', (sa) => h('span', { class: 'nowrap' }, formatTime(sa.createdAt))],
    ], accounts, 'No service accounts yet. Create one to give a pipeline its own keys.',
    (sa) => ({ 'data-service-account': sa.name })));
}

function createDialog(ctx) {
  const name = h('input', { id: 'sa-name', type: 'text', maxlength: 200, required: true, placeholder: 'e.g. ci-bot' });
  const description = h('textarea', { id: 'sa-description', rows: 3, maxlength: 2000, placeholder: 'What uses it' });
  openDialog({
    id: 'create-service-account-dialog',
    title: 'Create service account',
    body: [
      field('Name', name, 'Its email is derived from the name and the workspace.'),
      field('Description', description),
    ],
    submitLabel: 'Create',
    submit: async () => {
      const sa = await api.post(collection, { name: name.value, description: description.value });
      flash('success', 'Service account “', sa.name, '” created with the email ', mono(sa.email), ' and the role ', sa.role, '.');
      ctx.navigate('#/service-accounts/' + encodeURIComponent(sa.id));
    },
  });
}

export async function renderServiceAccount(ctx, id) {
  let sa;
  let keys;
  let workspace;
  try {
    [sa, keys, workspace] = await Promise.all([
      api.get(accountPath(id)), api.listAll(accountPath(id) + '/keys'), api.get('/workspace')]);
  } catch (err) {
    replace(ctx.page,
      pageHeader('Service account', null, button('All service accounts', () => ctx.navigate('#/service-accounts'))),
      h('div', { class: 'panel-error' }, errorContent(err)));
    return;
  }
  const reload = () => renderServiceAccount(ctx, id);
  const keysPath = accountPath(id) + '/keys';
  const active = activeKeys(keys).length;

  const role = h('select', { id: 'sa-role' },
    ['member', 'admin'].map((r) => h('option', { value: r, selected: r === sa.role }, r)));
  const applyRole = async () => {
    try {
      const updated = await api.patch(accountPath(id), { role: role.value });
      notify('success', '“', updated.name, '” now has the role ', updated.role, '.');
      await reload();
    } catch (err) {
      notify('error', errorContent(err));
    }
  };

  replace(ctx.page,
    h('nav', { class: 'back' }, h('a', { href: '#/service-accounts' }, '‹ Service accounts')),
    pageHeader(sa.name, sa.description || 'No description.',
      button('New API key', () => newKeyDialog({
        heading: 'New API key for ' + sa.name, submitLabel: 'Add API key', collection: keysPath, onAdded: reload,
      }), 'primary', { id: 'new-api-key' })),
    h('div', { class: 'page-body' },
      card('Details',
        h('dl', { class: 'details' },
          h('dt', {}, 'Email'), h('dd', {}, mono(sa.email)),
          h('dt', {}, 'ID'), h('dd', {}, mono(sa.id)),
          h('dt', {}, 'Created'), h('dd', {}, formatTime(sa.createdAt)),
          h('dt', {}, 'Role'), h('dd', {}, h('div', { class: 'inline-form' },
            role, button('Apply role', applyRole, 'secondary', { id: 'apply-role' }),
            h('span', { class: 'hint' }, 'An admin service account sees everything in the workspace; a member only what it created or was given.'))))),
      card('API keys · ' + active + ' of ' + workspace.quotas.keysPerServiceAccount + ' active',
        keyTable(keys, (k) => revokeKey(keysPath, k, reload), 'No API keys yet. Click New API key to generate a key pair.')),
      card('Danger zone',
        h('div', { class: 'danger-row' },
          h('p', {}, 'Deleting the service account revokes its ', plural(active, 'active API key'),
            ' at once: SDK calls signed with them fail from then on, and bearer tokens minted with them stop working.'),
          button('Delete service account', () => deleteDialog(ctx, sa, active), 'danger', { id: 'delete-service-account' })))));
}

function deleteDialog(ctx, sa, active) {
  confirmAction({
    title: 'Delete service account',
    body: [
      h('p', {}, 'Delete “', h('strong', {}, sa.name), '” (', mono(sa.email), ')?'),
      h('p', { id: 'delete-consequence' }, active === 0
        ? 'It has no active API key.'
        : ['Its ', plural(active, 'active API key'), ' will be revoked at once: SDK calls signed with ',
          active === 1 ? 'it' : 'them', ' fail from then on, and bearer tokens minted with ', active === 1 ? 'it' : 'them', ' stop working.']),
      h('p', {}, 'This cannot be undone.'),
    ],
    confirmLabel: 'Delete service account',
    action: async () => {
      await api.del(accountPath(sa.id));
      flash('success', 'Service account “', sa.name, '” deleted; ', plural(active, 'API key'), ' revoked.');
      ctx.navigate('#/service-accounts');
    },
  });
}
