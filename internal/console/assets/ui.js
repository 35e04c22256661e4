// The console's building blocks: page headers, tables, form fields,
// notices and modal dialogs.
import { h, replace } from './dom.js';
import { ApiError } from './api.js';

// pageHeader is the title row of a screen, with its actions on the right.
export function pageHeader(title, description, ...actions) {
  return h('div', { class: 'page-header' },
    h('div', {},
      h('h1', {}, title),
      description ? h('p', { class: 'page-description' }, description) : null),
    h('div', { class: 'page-actions' }, actions));
}

export function button(label, onclick, kind = 'secondary', attrs = {}) {
  return h('button', { type: 'button', class: 'btn btn-' + kind, onclick, ...attrs }, label);
}

// table renders rows under a header; columns are [heading, cell(row)] pairs.
// empty is shown in place of the rows when there are none.
export function table(columns, rows, empty, rowAttrs = () => ({})) {
  if (rows.length === 0) return h('div', { class: 'empty' }, empty);
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, columns.map(([heading]) => h('th', {}, heading)))),
      h('tbody', {}, rows.map((row) =>
        h('tr', rowAttrs(row), columns.map(([, cell]) => h('td', {}, cell(row))))))));
}

export function card(title, ...children) {
  return h('section', { class: 'card' }, title ? h('h2', { class: 'card-title' }, title) : null, children);
}

// field is a labelled input; control is the input element, whose id the
// label points at.
export function field(label, control, hint) {
  return h('div', { class: 'field' },
    h('label', { for: control.id }, label),
    control,
    hint ? h('p', { class: 'hint' }, hint) : null);
}

// errorContent shows an error as the server worded it, with its code.
export function errorContent(err) {
  if (err instanceof ApiError) {
    return [h('span', { class: 'error-code' }, err.code), ' ', h('span', { class: 'error-message' }, err.message)];
  }
  return [h('span', { class: 'error-message' }, String(err && err.message ? err.message : err))];
}

// Notices are the messages above the page: outcomes of actions and errors
// of the server. notify shows one now; flash keeps one for the next screen
// (an action that navigates, such as a delete).
const pending = [];

export function notify(kind, ...content) {
  const area = document.getElementById('notices');
  if (!area) return;
  const notice = h('div', { class: 'notice notice-' + kind, role: kind === 'error' ? 'alert' : 'status' },
    h('div', { class: 'notice-body' }, content),
    h('button', { type: 'button', class: 'notice-close', 'aria-label': 'Dismiss', onclick: () => notice.remove() }, '×'));
  area.append(notice);
}

export function notifyError(err) {
  notify('error', errorContent(err));
}

export function flash(kind, ...content) {
  pending.push([kind, content]);
}

// showFlashed clears the notices of the previous screen and shows the ones
// flashed for this one.
export function showFlashed() {
  const area = document.getElementById('notices');
  if (area) area.replaceChildren();
  for (const [kind, content] of pending.splice(0)) notify(kind, content);
}

// openDialog shows a modal form. submit(form) runs on the primary button
// or Enter; when it throws, the dialog stays open and shows the error as
// the server worded it; when it returns, the dialog closes. Extra buttons
// ([label, fn, kind]) run fn the same way.
export function openDialog({ title, body, submitLabel, submitKind = 'primary', submit, extraButtons = [], id }) {
  const error = h('div', { class: 'dialog-error', role: 'alert', hidden: true });
  const dialog = h('dialog', { class: 'dialog', id: id || null });
  const close = () => {
    dialog.close();
    dialog.remove();
  };
  const run = async (fn, btn) => {
    for (const b of dialog.querySelectorAll('button')) b.disabled = true;
    dialog.setAttribute('aria-busy', 'true');
    error.hidden = true;
    try {
      const keepOpen = await fn(form);
      if (keepOpen !== true) close();
    } catch (err) {
      replace(error, errorContent(err));
      error.hidden = false;
    } finally {
      for (const b of dialog.querySelectorAll('button')) b.disabled = false;
      dialog.removeAttribute('aria-busy');
      if (btn) btn.focus();
    }
  };
  const primary = submit ? h('button', { type: 'submit', class: 'btn btn-' + submitKind }, submitLabel) : null;
  const form = h('form', {
    class: 'dialog-form',
    onsubmit: (ev) => {
      ev.preventDefault();
      if (submit) run(submit, primary);
    },
  },
  h('header', { class: 'dialog-header' }, h('h2', {}, title)),
  h('div', { class: 'dialog-body' }, body, error),
  h('footer', { class: 'dialog-footer' },
    button('Cancel', close, 'secondary', { 'data-action': 'cancel' }),
    extraButtons.map(([label, fn, kind, attrs]) => {
      const b = button(label, () => run(fn, b), kind || 'secondary', attrs || {});
      return b;
    }),
    primary));
  dialog.append(form);
  dialog.addEventListener('cancel', (ev) => {
    ev.preventDefault();
    close();
  });
  document.body.append(dialog);
  dialog.showModal();
  const first = dialog.querySelector('input, textarea, select');
  if (first) first.focus();
  return { dialog, form, close, showError: (err) => { replace(error, errorContent(err)); error.hidden = false; } };
}

// confirmAction asks before a destructive action; action runs when the
// user confirms, and its error, if any, is shown in the dialog.
export function confirmAction({ title, body, confirmLabel, action }) {
  return new Promise((resolve) => {
    const d = openDialog({
      title,
      body,
      submitLabel: confirmLabel,
      submitKind: 'danger',
      submit: async () => {
        await action();
        resolve(true);
      },
    });
    d.dialog.addEventListener('close', () => resolve(false));
  });
}
