// Log in: any member of a workspace, by email. An emulator needs no
// password; a service account can never log in (the server says so).
import * as api from './api.js';
import { h, replace } from './dom.js';
import { errorContent, field } from './ui.js';

export function renderLogin(app, { message, onLoggedIn }) {
  const email = h('input', { id: 'login-email', type: 'email', name: 'email', autocomplete: 'username', required: true, placeholder: 'ada@example.com' });
  const status = h('div', { class: 'login-status', id: 'login-status', role: 'status', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', id: 'login-submit' }, 'Log in');
  const show = (kind, ...content) => {
    status.className = 'login-status notice notice-' + kind;
    replace(status, h('div', { class: 'notice-body' }, content));
    status.hidden = false;
  };
  const form = h('form', {
    class: 'login-form',
    onsubmit: async (ev) => {
      ev.preventDefault();
      submit.disabled = true;
      status.hidden = true;
      try {
        await api.login(email.value.trim());
        onLoggedIn();
      } catch (err) {
        show('error', errorContent(err));
        email.select();
      } finally {
        submit.disabled = false;
      }
    },
  },
  field('Email', email, 'Log in as any member of a workspace. There is no password: this is an emulator.'),
  status,
  submit);

  replace(app, h('div', { class: 'login-page' },
    h('div', { class: 'login-card' },
      h('div', { class: 'login-brand' },
        h('img', { src: 'favicon.svg', alt: '', width: 40, height: 40 }),
        h('div', {}, h('h1', {}, 'Encord emulator'), h('p', { class: 'login-sub' }, 'Console for key management'))),
      form,
      h('div', { class: 'login-help' },
        h('p', {}, 'No workspace yet? Create one on the control plane:'),
        h('pre', { class: 'code-block' }, 'curl -X POST ' + location.origin + '/_emulator/workspaces \\\n  -H "Content-Type: application/json" \\\n  -d \'{"name": "Acme", "admin": {"email": "ada@example.com", "name": "Ada"}}\''),
        h('p', {}, 'Service accounts cannot log in: they only sign SDK requests with their keys.')))));
  if (message) show(message.kind, message.text);
  email.focus();
}
