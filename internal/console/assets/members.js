// Workspace settings › Members: add by email with a role, change a role,
// remove. Removing a member revokes its keys and ends its sessions in the
// same transaction; the page then shows the keys the server revoked. The
// last admin can be neither demoted nor removed: the server refuses and
// the page shows its answer.
import * as api from './api.js';
import { h, replace, formatTime, plural, mono } from './dom.js';
import { pageHeader, button, table, card, field, openDialog, confirmAction, notify, flash, errorContent } from './ui.js';
import { activeKeys } from './keys.js';

const collection = '/workspace/members';

function memberPath(id) {
  return collection + '/' + encodeURIComponent(id);
}

export async function renderMembers(ctx) {
  const body = h('div', { class: 'page-body' }, h('div', { class: 'loading' }, 'Loading…'));
  replace(ctx.page,
    pageHeader('Members',
      'Admins manage members, service accounts and everyone\'s keys; members see only what they created or were given.',
      button('Add member', () => addDialog(ctx, body), 'primary', { id: 'add-member' })),
    body);
  await load(ctx, body);
}

async function load(ctx, body) {
  let members;
  try {
    members = await api.listAll(collection);
  } catch (err) {
    replace(body, h('div', { class: 'panel-error' }, errorContent(err)));
    return;
  }
  // Only admins may read other members' keys; for anyone else the count is
  // left out rather than shown as an error on every row.
  const counts = new Map();
  if (ctx.me.role === 'admin') {
    const keys = await Promise.all(members.map((m) => api.listAll(memberPath(m.id) + '/keys')));
    members.forEach((m, i) => counts.set(m.id, activeKeys(keys[i]).length));
  }
  replace(body, card(plural(members.length, 'member'),
    table([
      ['Name', (m) => h('div', { class: 'cell-stack' },
        h('span', { class: 'cell-title' }, m.name || '—', m.id === ctx.me.id ? h('span', { class: 'you' }, 'you') : null))],
      ['Email', (m) => mono(m.email)],
      ['Role', (m) => roleSelect(ctx, body, m)],
      ['Active keys', (m) => h('span', { class: 'key-count' }, counts.has(m.id) ? String(counts.get(m.id)) : '—')],
      ['Added', (m) => h('span', { class: 'nowrap' }, formatTime(m.createdAt))],
      ['', (m) => button('Remove', () => removeDialog(ctx, body, m), 'danger-ghost', { class: 'btn btn-danger-ghost btn-small', 'data-remove': m.email })],
    ], members, 'No members.', (m) => ({ 'data-member': m.email }))));
}

// roleSelect changes a member's role as soon as another one is chosen; a
// refusal (not an admin, the last admin) puts the old role back.
function roleSelect(ctx, body, m) {
  const select = h('select', { class: 'role-select', 'aria-label': 'Role of ' + m.email, 'data-role-of': m.email },
    ['admin', 'member'].map((r) => h('option', { value: r, selected: r === m.role }, r)));
  select.addEventListener('change', async () => {
    select.disabled = true;
    try {
      const updated = await api.patch(memberPath(m.id), { role: select.value });
      const outcome = [updated.email, ' is now ', updated.role === 'admin' ? 'an admin' : 'a member', '.'];
      if (m.id === ctx.me.id) {
        // The caller's own role changed: redraw everything around it.
        flash('success', outcome);
        await ctx.reloadAccount();
      } else {
        notify('success', outcome);
        await load(ctx, body);
      }
    } catch (err) {
      select.value = m.role;
      notify('error', errorContent(err));
    } finally {
      select.disabled = false;
    }
  });
  return select;
}

function addDialog(ctx, body) {
  const email = h('input', { id: 'member-email', type: 'email', maxlength: 254, required: true, placeholder: 'grace@example.com' });
  const name = h('input', { id: 'member-name', type: 'text', maxlength: 200, placeholder: 'Grace' });
  const role = h('select', { id: 'member-role' }, ['member', 'admin'].map((r) => h('option', { value: r }, r)));
  openDialog({
    id: 'add-member-dialog',
    title: 'Add member',
    body: [field('Email', email, 'A user belongs to one workspace at a time.'), field('Name', name), field('Role', role)],
    submitLabel: 'Add member',
    submit: async () => {
      const m = await api.post(collection, { email: email.value.trim(), name: name.value, role: role.value });
      notify('success', m.email, ' added as ', m.role === 'admin' ? 'an admin' : 'a member', '. They can log in with that email.');
      await load(ctx, body);
    },
  });
}

// removalConsequence says what removing a member does to its keys; active
// is null when the caller may not read them.
function removalConsequence(active) {
  if (active === null) return 'Its API keys are revoked and its sessions ended at once.';
  if (active.length === 0) return 'It has no active API key. Its sessions end at once.';
  return ['Its ', plural(active.length, 'active API key'), ' ', active.length === 1 ? 'is' : 'are',
    ' revoked and its sessions ended at once: SDK calls signed with ', active.length === 1 ? 'that key' : 'those keys',
    ' fail from then on. Adding the member again does not revive ', active.length === 1 ? 'it.' : 'them.'];
}

async function removeDialog(ctx, body, m) {
  let active = null;
  try {
    active = activeKeys(await api.listAll(memberPath(m.id) + '/keys'));
  } catch {
    // Not an admin: the removal itself will be refused with the reason.
  }
  confirmAction({
    title: 'Remove member',
    body: [
      h('p', {}, 'Remove ', h('strong', {}, m.email), ' from the workspace?'),
      h('p', { id: 'remove-consequence' }, removalConsequence(active)),
    ],
    confirmLabel: 'Remove member',
    action: async () => {
      await api.del(memberPath(m.id));
      if (m.id === ctx.me.id) {
        api.endSession('you removed yourself from the workspace, which ended your session.');
        return;
      }
      // The server keeps a removed member's keys as history: show what it
      // revoked.
      const keys = await api.listAll(memberPath(m.id) + '/keys');
      const revoked = keys.filter((k) => k.revokedAt && (!active || active.some((a) => a.id === k.id)));
      notify('success', h('div', { id: 'removal-result' },
        h('p', {}, m.email, ' was removed from the workspace; its sessions were ended and ',
          plural(revoked.length, 'API key'), ' revoked.'),
        revoked.length === 0 ? null : h('ul', { class: 'revoked-list' }, revoked.map((k) => h('li', {},
          h('strong', {}, k.title), ' ', mono(k.fingerprint), ' — ', k.revokeReason, ' at ', formatTime(k.revokedAt))))));
      await load(ctx, body);
    },
  });
}
