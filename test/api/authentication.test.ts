/**
 * Authentication as 等保2.0 asks it: lockout after 5 failed logins for 15 minutes (with an answer
 * that does not tell who exists), 30 idle minutes per session, the session cookie (HttpOnly,
 * SameSite=Strict) with CSRF protection, forced and first-login password changes, the password
 * policy, and HTTP Basic for API clients (@camunda8/sdk with CAMUNDA_AUTH_STRATEGY=BASIC).
 */
import { Camunda8 } from '@camunda8/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Identity, LOCKOUT_MS, SESSION_IDLE_MS, SESSION_MAX_MS } from '../../src/identity/identity.js';
import { IdentityStore } from '../../src/identity/store.js';
import { serviceChain } from '../support/bpmn.js';
import { startHarness, TEST_HASH_COST, type Harness } from '../support/harness.js';
import { api, expectUnauthorized, PASSWORD, sessionCookieOf, type Answer, type User } from './helpers.js';

describe('Identity with an injected clock', () => {
  const T0 = Date.parse('2026-03-02T01:00:00Z');
  let now = T0;
  let store: IdentityStore;
  let identity: Identity;
  beforeAll(async () => {
    store = new IdentityStore(':memory:');
    identity = new Identity(store, { now: () => now, hashCost: TEST_HASH_COST });
    identity.ensureBuiltInRoles();
    for (const username of ['zhang', 'li', 'wang']) await identity.createUser({ username, password: 'Right-Pass-1', mustChangePassword: false });
  });
  afterAll(() => store.close());

  it('locks an account for 15 minutes after 5 failed logins in a row, even for the right password', async () => {
    now = T0;
    // Verified once: the remembered credential must not open a locked account.
    expect(await identity.login('zhang', 'Right-Pass-1')).toMatchObject({ ok: true });
    for (let i = 0; i < 5; i++) expect(await identity.login('zhang', `Wrong-Pass-${i}`)).toEqual({ ok: false, reason: 'invalid' });
    expect(await identity.login('zhang', 'Right-Pass-1')).toEqual({ ok: false, reason: 'locked' });
    now = T0 + LOCKOUT_MS - 1;
    expect(await identity.login('zhang', 'Right-Pass-1')).toEqual({ ok: false, reason: 'locked' });
    now = T0 + LOCKOUT_MS;
    expect(await identity.login('zhang', 'Right-Pass-1')).toEqual({ ok: true, username: 'zhang', mustChangePassword: false });
    expect(LOCKOUT_MS).toBe(15 * 60_000);
  });

  it('counts failures in a row only: a successful login starts the count again', async () => {
    now = T0;
    for (let i = 0; i < 4; i++) await identity.login('li', 'Wrong-Pass-1');
    expect(await identity.login('li', 'Right-Pass-1')).toMatchObject({ ok: true });
    for (let i = 0; i < 4; i++) await identity.login('li', 'Wrong-Pass-1');
    expect(await identity.login('li', 'Right-Pass-1')).toMatchObject({ ok: true });
    expect(await identity.login('nobody_here', 'Right-Pass-1')).toEqual({ ok: false, reason: 'invalid' });
  });

  it('ends a session after 30 idle minutes; using it keeps it alive', () => {
    expect(SESSION_IDLE_MS).toBe(30 * 60_000);
    now = T0;
    const idle = identity.createSession('wang').token;
    now = T0 + SESSION_IDLE_MS;
    expect(identity.session(idle)?.username).toBe('wang');
    now = T0 + 2 * SESSION_IDLE_MS + 1;
    expect(identity.session(idle)).toBeUndefined(); // idle 30 minutes and 1 ms since its last use

    now = T0;
    const active = identity.createSession('wang').token;
    for (let minutes = 20; minutes <= 200; minutes += 20) {
      now = T0 + minutes * 60_000;
      expect(identity.session(active)?.username, `after ${minutes} minutes, used every 20`).toBe('wang');
    }
    now += SESSION_IDLE_MS + 1;
    expect(identity.session(active)).toBeUndefined();
    // Gone for good: coming back does not revive it.
    now = T0 + 210 * 60_000;
    expect(identity.session(active)).toBeUndefined();
  });

  it('ends even a busy session after 12 hours', () => {
    now = T0;
    const token = identity.createSession('wang').token;
    for (let minutes = 10; minutes < SESSION_MAX_MS / 60_000; minutes += 10) {
      now = T0 + minutes * 60_000;
      expect(identity.session(token)).toBeDefined();
    }
    now = T0 + SESSION_MAX_MS + 1;
    expect(identity.session(token)).toBeUndefined();
  });
});

describe('over HTTP', () => {
  let h: Harness;
  let a: ReturnType<typeof api>;
  beforeAll(async () => {
    h = await startHarness();
    a = api(h.url);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const problem = (r: Answer) => ({ status: r.status, title: r.body?.title, detail: r.body?.detail });
  const loginError = (html: string) => /<div class="alert" role="alert" id="login-error">([^<]*)<\/div>/.exec(html)?.[1];

  it('refuses a locked account exactly as an unknown user and a wrong password (Basic, JSON and form login)', async () => {
    const victim = await a.createUser('lock_me');
    const bystander = await a.createUser('not_locked');
    const search = (as: User) => a.call('POST', '/v2/process-instances/search', { as, body: {} });
    // The right password once (remembered for a while), then five wrong ones.
    expect((await a.call('GET', '/v2/authentication/me', { as: victim })).status).toBe(200);
    const wrong: Answer[] = [];
    for (let i = 0; i < 5; i++) wrong.push(await search({ username: 'lock_me', password: `Wrong-Pass-${i}` }));
    for (const r of wrong) expectUnauthorized(r);
    const locked = await a.call('GET', '/v2/authentication/me', { as: victim });
    const unknown = await a.call('GET', '/v2/authentication/me', { as: { username: 'no_such_user', password: PASSWORD } });
    const wrongPassword = await a.call('GET', '/v2/authentication/me', { as: { username: bystander.username, password: 'Wrong-Pass-9' } });
    expectUnauthorized(locked);
    expect(problem(locked)).toEqual(problem(unknown));
    expect(problem(locked)).toEqual(problem(wrongPassword));
    expect(locked.headers.get('www-authenticate')).toBe(unknown.headers.get('www-authenticate'));
    // The same (Chinese) sentence covers both causes, so it gives nothing away.
    expect(locked.body.detail).toContain('用户名或密码错误');

    const json = async (username: string, password: string) => problem(await a.call('POST', '/login', { body: { username, password } }));
    const jsonLocked = await json('lock_me', PASSWORD);
    expect(jsonLocked.status).toBe(401);
    expect(jsonLocked).toEqual(await json('no_such_user', PASSWORD));
    expect(jsonLocked).toEqual(await json(bystander.username, 'Wrong-Pass-9'));

    const form = async (username: string, password: string) => {
      const r = await a.call('POST', '/login', { urlencoded: { username, password } });
      expect(r.status).toBe(401);
      expect(r.headers.get('set-cookie')).toBeNull();
      return loginError(r.text);
    };
    const formLocked = await form('lock_me', PASSWORD);
    expect(formLocked).toBeTruthy();
    expect(formLocked).toBe(await form('no_such_user', PASSWORD));
    expect(formLocked).toBe(await form(bystander.username, 'Wrong-Pass-9'));

    // The bystander's single failure did not lock them.
    expect((await a.call('GET', '/v2/authentication/me', { as: bystander })).status).toBe(200);
  });

  it('sets an HttpOnly, SameSite=Strict session cookie at the login form, and refuses a login posted from another site', async () => {
    const clerk = await a.createUser('form_clerk');
    const r = await a.call('POST', '/login', { urlencoded: { username: clerk.username, password: clerk.password, next: '/v2/authentication/me' } });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/v2/authentication/me');
    const setCookie = r.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^pingpin_session=[A-Za-z0-9_-]{40,}; /);
    expect(setCookie.split('; ')).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict']));
    expect(setCookie).not.toMatch(/Secure/); // plain http on loopback; Secure is set over TLS
    expect(r.headers.get('cache-control')).toBe('no-store');
    const me = await a.call('GET', '/v2/authentication/me', { cookie: sessionCookieOf(r.headers) });
    expect(me.body.username).toBe('form_clerk');

    // An open redirect is not followed.
    const offsite = await a.call('POST', '/login', { urlencoded: { username: clerk.username, password: clerk.password, next: '//evil.example/' } });
    expect(offsite.headers.get('location')).toBe('/tasklist');

    const crossSite = await a.call('POST', '/login', { urlencoded: { username: clerk.username, password: clerk.password }, headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('set-cookie')).toBeNull();
    const garbled = await a.call('POST', '/login', { urlencoded: { username: clerk.username, password: clerk.password }, headers: { origin: 'not a url' } });
    expect(garbled.status).toBe(403);
    // The same site's own form is welcome.
    const sameSite = await a.call('POST', '/login', { urlencoded: { username: clerk.username, password: clerk.password }, headers: { origin: h.url } });
    expect(sameSite.status).toBe(303);
  });

  it('needs the CSRF token on every cookie-authenticated request that changes something', async () => {
    const reader = await a.createUser('csrf_reader');
    await a.grant('USER', reader.username, 'PROCESS_DEFINITION', '*', ['READ_PROCESS_INSTANCE']);
    const login = await a.call('POST', '/login', { urlencoded: { username: reader.username, password: reader.password } });
    const cookie = sessionCookieOf(login.headers);
    // A safe request needs none, and tells the page its token.
    const me = await a.call('GET', '/v2/authentication/me', { cookie });
    expect(me.status).toBe(200);
    const csrf = me.headers.get('x-csrf-token');
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{20,}$/);

    const without = await a.call('POST', '/v2/process-instances/search', { cookie, body: {} });
    expect(without.status).toBe(403);
    expect(without.body).toMatchObject({ title: 'FORBIDDEN' });
    expect(without.body.detail).toMatch(/CSRF token missing or wrong/);
    const wrong = await a.call('POST', '/v2/process-instances/search', { cookie, body: {}, headers: { 'x-csrf-token': `${csrf}x` } });
    expect(wrong.status).toBe(403);
    const right = await a.call('POST', '/v2/process-instances/search', { cookie, body: {}, headers: { 'x-csrf-token': csrf! } });
    expect(right.status).toBe(200);
    // Basic clients (no cookie) are not asked for one.
    expect((await a.call('POST', '/v2/process-instances/search', { as: reader, body: {} })).status).toBe(200);
  });

  it('lets a user who must change their password do nothing else, and change it at /login/password', async () => {
    // Created by an administrator who asks for a new password at the first login.
    await a.ok('POST', '/v2/users', { username: 'first_login', password: 'Initial-Pass-1', name: '新同事', email: '', mustChangePassword: true });
    const fresh = { username: 'first_login', password: 'Initial-Pass-1' };
    const refused = await a.call('POST', '/v2/user-tasks/search', { as: fresh, body: {} });
    expect(refused.status).toBe(403);
    expect(refused.body.title).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await a.call('GET', '/v2/topology', { as: fresh })).body.title).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await a.call('GET', '/v2/authentication/me', { as: fresh })).status).toBe(200);

    const { cookie, csrf, body } = await a.login(fresh);
    expect(body.mustChangePassword).toBe(true);
    expect((await a.call('POST', '/v2/user-tasks/search', { cookie, body: {}, headers: { 'x-csrf-token': csrf } })).body.title).toBe('PASSWORD_CHANGE_REQUIRED');
    // A browser is sent to the change page.
    const page = await a.call('GET', '/login', { cookie, headers: { accept: 'text/html' } });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login/password');

    const change = (o: { cookie: string; csrf?: string }, currentPassword: string, newPassword: string) =>
      a.call('POST', '/login/password', { cookie: o.cookie, body: { currentPassword, newPassword }, headers: o.csrf ? { 'x-csrf-token': o.csrf } : {} });
    expect((await change({ cookie }, fresh.password, 'Changed-Pass-2')).status).toBe(403); // no CSRF token
    const changed = await change({ cookie, csrf }, fresh.password, 'Changed-Pass-2');
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({ username: 'first_login', mustChangePassword: false });
    const newCookie = sessionCookieOf(changed.headers);

    // The old session ended with the old password; the new one works, and so does Basic with the new password.
    expectUnauthorized(await a.call('GET', '/v2/authentication/me', { cookie }));
    expect((await a.call('POST', '/v2/user-tasks/search', { cookie: newCookie, body: {}, headers: { 'x-csrf-token': changed.body.csrfToken } })).status).toBe(200);
    expectUnauthorized(await a.call('GET', '/v2/authentication/me', { as: fresh }));
    expect((await a.call('POST', '/v2/user-tasks/search', { as: { username: 'first_login', password: 'Changed-Pass-2' }, body: {} })).status).toBe(200);
  });

  it('enforces the password policy with errors that name the field, in Chinese', async () => {
    const user = await a.createUser('policy_user');
    const { cookie, csrf } = await a.login(user);
    const change = (currentPassword: string, newPassword: string) =>
      a.call('POST', '/login/password', { cookie, body: { currentPassword, newPassword }, headers: { 'x-csrf-token': csrf } });
    const cases: [string, RegExp][] = [
      ['Ab1!x', /^newPassword: 密码至少 8 个字符（现为 5 个）$/],
      ['abcdefgh1', /^newPassword: 密码须包含大写字母、小写字母、数字、符号四类中的至少三类（现为 2 类）$/],
      ['ABCDEFGH!', /^newPassword: 密码须包含.*（现为 2 类）$/],
      ['Policy_User-1', /^newPassword: 密码不能包含用户名$/],
      [PASSWORD, /^newPassword: 新密码不能与当前密码相同$/],
    ];
    for (const [newPassword, message] of cases) {
      const r = await change(PASSWORD, newPassword);
      expect(r.status, newPassword).toBe(400);
      expect(r.body.title).toBe('INVALID_ARGUMENT');
      expect(r.body.detail, newPassword).toMatch(message);
    }
    const wrongCurrent = await change('Not-The-Pass-1', 'Good-Enough-7');
    expect(wrongCurrent.body.detail).toBe('currentPassword: 当前密码不正确');

    // The form: the error sits under the field it is about, announced to screen readers.
    const form = await a.call('POST', '/login/password', { cookie, urlencoded: { _csrf: csrf, currentPassword: PASSWORD, newPassword: 'short', confirmPassword: 'short' } });
    expect(form.status).toBe(400);
    expect(form.text).toMatch(/<label for="newPassword">新密码<\/label>\s*<input id="newPassword"[^>]* aria-invalid="true" aria-describedby="newPassword-hint newPassword-error">/);
    expect(form.text).toMatch(/<p class="error" id="newPassword-error" role="alert">密码至少 8 个字符（现为 5 个）<\/p>/);
    const mismatch = await a.call('POST', '/login/password', { cookie, urlencoded: { _csrf: csrf, currentPassword: PASSWORD, newPassword: 'Good-Enough-7', confirmPassword: 'Good-Enough-8' } });
    expect(mismatch.text).toMatch(/id="confirmPassword-error" role="alert">两次输入的新密码不一致</);

    // Three classes of four are enough; nothing above changed the password.
    expect((await change(PASSWORD, 'abcdefgH1')).status).toBe(200);

    // The same policy when an administrator creates a user.
    const weak = await a.admin('POST', '/v2/users', { username: 'weak_user', password: 'password', name: '', email: '' });
    expect(weak.status).toBe(400);
    expect(weak.body.detail).toBe('password: 密码须包含大写字母、小写字母、数字、符号四类中的至少三类（现为 1 类）');
  });

  it('ends the sessions of a user whose password change an administrator forces', async () => {
    const user = await a.createUser('forced_user');
    const { cookie } = await a.login(user);
    expect((await a.call('GET', '/v2/authentication/me', { cookie })).status).toBe(200);
    const forced = await a.admin('PUT', '/v2/users/forced_user', { mustChangePassword: true });
    expect(forced.status).toBe(200);
    expectUnauthorized(await a.call('GET', '/v2/authentication/me', { cookie }));
    expect((await a.call('POST', '/v2/user-tasks/search', { as: user, body: {} })).body.title).toBe('PASSWORD_CHANGE_REQUIRED');
    // Logging in again leads to the change page.
    const again = await a.call('POST', '/login', { urlencoded: { username: user.username, password: user.password } });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toMatch(/^\/login\/password/);

    // An administrator setting a new password also ends the sessions, and may ask for a change at the next login.
    const other = await a.createUser('reset_user');
    const session = await a.login(other);
    expect((await a.admin('PUT', '/v2/users/reset_user', { password: 'Temporary-Pass-3', mustChangePassword: true })).status).toBe(200);
    expectUnauthorized(await a.call('GET', '/v2/authentication/me', { cookie: session.cookie }));
    expectUnauthorized(await a.call('GET', '/v2/authentication/me', { as: other }));
    expect((await a.call('POST', '/v2/user-tasks/search', { as: { username: 'reset_user', password: 'Temporary-Pass-3' }, body: {} })).body.title).toBe('PASSWORD_CHANGE_REQUIRED');
  });

  it('serves @camunda8/sdk with CAMUNDA_AUTH_STRATEGY=BASIC unchanged, and refuses a wrong password with 401', async () => {
    const user = await a.createUser('sdk_client');
    await a.grant('USER', user.username, 'RESOURCE', '*', ['CREATE']);
    await a.grant('USER', user.username, 'PROCESS_DEFINITION', 'sdk-process', ['CREATE_PROCESS_INSTANCE', 'READ_PROCESS_INSTANCE']);
    const sdk = (password: string) =>
      new Camunda8({
        ZEEBE_REST_ADDRESS: h.url,
        CAMUNDA_AUTH_STRATEGY: 'BASIC',
        CAMUNDA_BASIC_AUTH_USERNAME: user.username,
        CAMUNDA_BASIC_AUTH_PASSWORD: password,
        CAMUNDA_LOG_LEVEL: 'none',
      }).getCamundaRestClient();
    const client = sdk(user.password);
    const deployed = await client.deployResources([{ name: 'sdk-process.bpmn', content: serviceChain('sdk-process', ['sdk-work']) }]);
    expect(deployed.processes[0]!.processDefinitionId).toBe('sdk-process');
    const created = await client.createProcessInstance({ processDefinitionId: 'sdk-process', variables: { n: 1 } });
    const found = await client.searchProcessInstances({ filter: { processInstanceKey: created.processInstanceKey } } as never);
    expect(found.items.map((i) => i.processInstanceKey)).toEqual([created.processInstanceKey]);

    const wrong = sdk('Wrong-Pass-1');
    const error = await wrong.searchProcessInstances({ filter: {} } as never).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeDefined();
    expect((error as { statusCode?: number; response?: { statusCode?: number } }).statusCode ?? (error as { response?: { statusCode?: number } }).response?.statusCode).toBe(401);
  });
});
