// DOM building without HTML strings: every text the server sends is set as
// text, never parsed, so a name or a message cannot inject markup. (The
// Content-Security-Policy requires Trusted Types, so an HTML sink such as
// innerHTML would throw anyway.)

// h creates an element. attrs maps attribute names to values; "on..." keys
// add event listeners; null, undefined and false values are left out, true
// sets an empty attribute. children may be nodes, strings, numbers or
// nested arrays; null and false are skipped.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

// replace empties el and fills it with children.
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

// formatTime shows an RFC 3339 time as "2025-01-31 14:05:09 UTC".
export function formatTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
}

// plural writes "1 key" or "3 keys".
export function plural(n, one, many) {
  return n + ' ' + (n === 1 ? one : many || one + 's');
}

export function badge(text, kind) {
  return h('span', { class: 'badge badge-' + (kind || text) }, text);
}

export function mono(text, title) {
  return h('code', { class: 'mono', title: title || null }, text);
}
