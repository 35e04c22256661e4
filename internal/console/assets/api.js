// The console's only way to the server: the management plane (/api/v1) for
// every action, and the control plane's journal (GET /_emulator/requests).
//
// The session token lives in this module's memory and nowhere else: not in
// a URL, a cookie, localStorage or sessionStorage. Reloading the page logs
// out. Every request carries it as Authorization: Bearer, and every request
// with a body is sent as Content-Type: application/json. A page of another
// origin can send neither without a CORS preflight, which the server never
// grants, and cannot read the token: that is the console's CSRF defence.

let sessionToken = null;
let adminToken = null;
const sessionEndedListeners = [];

// ApiError is an answer other than 2xx, with the server's code and message.
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

// onSessionEnded registers fn(message), called when the server no longer
// accepts the session (logged out elsewhere, member removed, reset).
export function onSessionEnded(fn) {
  sessionEndedListeners.push(fn);
}

export function loggedIn() {
  return sessionToken !== null;
}

async function send(method, path, { body, token, accept } = {}) {
  const headers = { Accept: accept || 'application/json' };
  if (method !== 'GET') headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = 'Bearer ' + token;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'error',
      referrerPolicy: 'no-referrer',
    });
  } catch (err) {
    throw new ApiError(0, 'NETWORK_ERROR', 'The emulator did not answer (' + err.message + '). Is it still running?', {});
  }
  if (!res.ok) throw await errorOf(res);
  return res;
}

// errorOf reads the {"error": {"code", "message", "details"}} body of the
// management and control planes.
async function errorOf(res) {
  let code = 'HTTP_' + res.status;
  let message = 'The server answered ' + res.status + ' ' + res.statusText + '.';
  let details = {};
  try {
    const body = await res.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
      details = body.error.details || {};
    }
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(res.status, code, message, details);
}

// login opens a session for the member with this email and returns it.
export async function login(email) {
  const res = await send('POST', '/api/v1/sessions', { body: { email } });
  const session = await res.json();
  sessionToken = session.token;
  return session.user;
}

// logout ends the session on the server and forgets both tokens.
export async function logout() {
  const token = sessionToken;
  sessionToken = null;
  adminToken = null;
  if (token) await send('DELETE', '/api/v1/sessions/current', { token });
}

// call sends a management-plane request and returns its JSON (null for 204).
export async function call(method, path, body) {
  if (sessionToken === null) throw new ApiError(401, 'AUTHENTICATION_ERROR', 'You are not logged in.', {});
  try {
    const res = await send(method, '/api/v1' + path, { body, token: sessionToken });
    return res.status === 204 ? null : await res.json();
  } catch (err) {
    endSessionOn401(err);
    throw err;
  }
}

function endSessionOn401(err) {
  if (err instanceof ApiError && err.status === 401 && sessionToken !== null) endSession(err.message);
}

// endSession forgets a session the server has ended, and says why.
export function endSession(message) {
  sessionToken = null;
  adminToken = null;
  for (const fn of sessionEndedListeners) fn(message);
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body);
export const patch = (path, body) => call('PATCH', path, body);
export const del = (path) => call('DELETE', path);

// listAll follows nextPageToken until the last page.
export async function listAll(path) {
  const items = [];
  let token = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(path + (token ? sep + 'pageToken=' + encodeURIComponent(token) : ''));
    items.push(...page.items);
    token = page.nextPageToken;
  } while (token);
  return items;
}

// generateKey asks the server to generate a key pair under path (a
// ".../keys" collection) and returns the private key as the attachment the
// server names after the title. The caller hands it to the browser as a
// download and drops it; it is never shown.
export async function generateKey(path, title) {
  try {
    const res = await send('POST', '/api/v1' + path, {
      body: { title },
      token: sessionToken,
      accept: 'application/x-pem-file',
    });
    return {
      keyId: res.headers.get('X-Key-Id'),
      filename: attachmentName(res.headers.get('Content-Disposition')) || 'private-key.txt',
      pem: await res.blob(),
    };
  } catch (err) {
    endSessionOn401(err);
    throw err;
  }
}

function attachmentName(disposition) {
  const m = /filename="?([^";]+)"?/.exec(disposition || '');
  return m ? m[1] : null;
}

// The journal is on the control plane, which EMULATOR_ADMIN_TOKEN may
// protect; that token, once given, is kept here beside the session and sent
// only with journal requests.
export function setAdminToken(token) {
  adminToken = token || null;
}

export function hasAdminToken() {
  return adminToken !== null;
}

// journal returns recent SDK authentication decisions, newest first.
export async function journal(outcome, limit = 200) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (outcome) query.set('outcome', outcome);
  const res = await send('GET', '/_emulator/requests?' + query, { token: adminToken });
  return (await res.json()).items;
}
