// The console's shell: the login screen, then a sidebar of screens and the
// screen the URL's fragment names (#/service-accounts, #/members, ...).
// The fragment only ever holds a screen and an id, never a secret.
import * as api from './api.js';
import { h, replace, badge } from './dom.js';
import { notify, notifyError, showFlashed } from './ui.js';
import { renderLogin } from './login.js';
import { renderServiceAccounts, renderServiceAccount } from './service-accounts.js';
import { renderMembers } from './members.js';
import { renderApiKeys } from './api-keys.js';
import { renderRequests } from './requests.js';

// The screens, in sidebar order, under their sidebar sections.
const screens = [
  { section: 'Workspace settings', path: 'service-accounts', label: 'Service accounts', render: renderServiceAccounts },
  { section: 'Workspace settings', path: 'members', label: 'Members', render: renderMembers },
  { section: 'User settings', path: 'api-keys', label: 'API keys', render: renderApiKeys },
  { section: 'Diagnostics', path: 'requests', label: 'Requests', render: renderRequests, hint: 'Why was my SDK call refused?' },
];

const app = document.getElementById('app');
let me = null; // the logged-in member, with its workspace (GET /api/v1/me)
let leaveScreen = null; // stops the current screen's timers

function route() {
  const [path, id] = location.hash.replace(/^#\/?/, '').split('/');
  return { path, id: id ? decodeURIComponent(id) : null };
}

function navigate(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function stopScreen() {
  if (leaveScreen) leaveScreen();
  leaveScreen = null;
}

async function render() {
  stopScreen();
  if (!api.loggedIn()) {
    me = null;
    showLogin();
    return;
  }
  if (!me) {
    try {
      me = await api.get('/me');
    } catch (err) {
      if (!api.loggedIn()) return; // the session-ended listener shows the login
      replace(app, h('div', { class: 'fatal' }, 'The console could not load your account: ', err.message));
      return;
    }
  }
  const { path, id } = route();
  const screen = screens.find((s) => s.path === path);
  if (!screen) {
    location.replace('#/' + (me.role === 'admin' ? 'service-accounts' : 'api-keys'));
    return;
  }
  const page = h('main', { class: 'page', id: 'page', 'data-screen': screen.path + (id ? '-detail' : '') });
  replace(app, layout(screen, page));
  showFlashed();
  const ctx = { me, page, navigate, reloadAccount, onLeave: (fn) => { leaveScreen = fn; } };
  try {
    if (screen.path === 'service-accounts' && id) await renderServiceAccount(ctx, id);
    else await screen.render(ctx);
  } catch (err) {
    if (api.loggedIn() && page.isConnected) notifyError(err);
  }
}

// reloadAccount re-reads the caller's membership (its role changed) and
// draws the screen again around it.
function reloadAccount() {
  me = null;
  return render();
}

function layout(current, page) {
  const sections = [];
  for (const s of screens) {
    let section = sections.find((x) => x.name === s.section);
    if (!section) sections.push((section = { name: s.section, items: [] }));
    section.items.push(s);
  }
  return h('div', { class: 'shell' },
    h('aside', { class: 'sidebar' },
      h('div', { class: 'brand' },
        h('img', { src: 'favicon.svg', alt: '', width: 28, height: 28 }),
        h('div', {}, h('div', { class: 'brand-name' }, 'Encord emulator'), h('div', { class: 'brand-sub' }, 'Console'))),
      h('div', { class: 'workspace-chip', title: 'Workspace ' + me.workspace.id },
        h('span', { class: 'workspace-label' }, 'Workspace'),
        h('span', { class: 'workspace-name' }, me.workspace.name)),
      h('nav', { class: 'nav', 'aria-label': 'Screens' },
        sections.map((section) => h('div', { class: 'nav-section' },
          h('div', { class: 'nav-heading' }, section.name),
          section.items.map((s) => h('a', {
            href: '#/' + s.path,
            class: 'nav-link' + (s === current ? ' active' : ''),
            'aria-current': s === current ? 'page' : null,
            // The link of the screen shown reloads it.
            onclick: () => { if (location.hash === '#/' + s.path) render(); },
          }, h('span', {}, s.label), s.hint ? h('span', { class: 'nav-hint' }, s.hint) : null))))),
      h('div', { class: 'sidebar-foot' }, 'Offline emulator of Encord key management')),
    h('div', { class: 'main' },
      h('header', { class: 'topbar' },
        h('div', { class: 'crumbs' }, current.section, h('span', { class: 'crumb-sep' }, '›'), current.label),
        h('div', { class: 'user' },
          h('div', { class: 'user-text' },
            h('span', { class: 'user-name' }, me.name || me.email),
            h('span', { class: 'user-email' }, me.email)),
          badge(me.role),
          h('button', { type: 'button', class: 'btn btn-secondary btn-small', id: 'logout', onclick: doLogout }, 'Log out'))),
      h('div', { class: 'notices', id: 'notices', 'aria-live': 'polite' }),
      page));
}

function showLogin(message) {
  stopScreen();
  me = null;
  for (const dialog of document.querySelectorAll('dialog')) dialog.remove();
  renderLogin(app, {
    message,
    onLoggedIn: () => {
      me = null;
      render();
    },
  });
}

async function doLogout() {
  stopScreen();
  try {
    await api.logout();
    showLogin({ kind: 'success', text: 'You are logged out; the session was ended on the server.' });
  } catch (err) {
    showLogin({ kind: 'error', text: 'The session was forgotten here, but the server answered: ' + err.message });
  }
}

api.onSessionEnded((message) => {
  showLogin({ kind: 'error', text: 'Your session ended: ' + message });
});
window.addEventListener('hashchange', render);
window.addEventListener('unhandledrejection', (ev) => {
  notify('error', 'Unexpected error: ', String(ev.reason && ev.reason.message ? ev.reason.message : ev.reason));
});
render();
