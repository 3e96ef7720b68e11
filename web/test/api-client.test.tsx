// @vitest-environment jsdom
/**
 * The one fetch of the app: CSRF token carried from GET answers to non-GET requests, 401 → the login
 * page with the current path, 403 PASSWORD_CHANGE_REQUIRED → the password page, problems → Chinese.
 * Also through the official Camunda client, as the pages call it.
 */
import { describe, expect, it, vi } from 'vitest';
import { createHttp, CSRF_HEADER, type HttpEnv } from '../src/shared/api/http';
import { ApiError, chineseMessage, NETWORK_ERROR } from '../src/shared/api/errors';
import { createCamunda } from '../src/shared/api/camunda';
import { tasklistApi } from '../src/tasklist/api';

const ORIGIN = 'http://pingpin.test';

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers } });
}

function setup(answer: (req: Request) => Response | Promise<Response>, path = '/tasklist/tasks/123?x=1') {
  const requests: Request[] = [];
  const assign = vi.fn();
  const [pathname, search = ''] = path.split('?');
  const env: HttpEnv = {
    fetch: async (req) => {
      requests.push(req.clone());
      return answer(req);
    },
    location: { origin: ORIGIN, pathname: pathname!, search: search ? `?${search}` : '', hash: '', assign },
  };
  return { http: createHttp(env), requests, assign };
}

const me = { username: 'clerk1', displayName: '李文', groups: ['panel-a'], roles: [], tenants: [], authorizedComponents: [], salesPlanType: '', c8Links: {}, canLogout: true };

describe('http', () => {
  it('sends the CSRF token of the last GET answer on every non-GET request, never on GET', async () => {
    const { http, requests } = setup((req) => (req.method === 'GET' ? json(200, me, { [CSRF_HEADER]: 'tok-1' }) : json(204, null)));
    await http.json('GET', '/v2/authentication/me');
    await http.json('POST', '/api/tasklist/notifications/seen', {});
    await http.json('DELETE', '/api/tasklist/filters/f1');
    expect(requests[0]!.headers.get(CSRF_HEADER)).toBeNull();
    expect(requests[1]!.headers.get(CSRF_HEADER)).toBe('tok-1');
    expect(requests[1]!.headers.get('Content-Type')).toBe('application/json');
    expect(requests[2]!.headers.get(CSRF_HEADER)).toBe('tok-1');
    expect(requests[1]!.credentials).toBe('same-origin');
    expect(requests[1]!.url).toBe(`${ORIGIN}/api/tasklist/notifications/seen`);
  });

  it('fetches a token first when a non-GET comes before any GET', async () => {
    const { http, requests } = setup((req) => (req.method === 'GET' ? json(200, me, { [CSRF_HEADER]: 'tok-2' }) : json(201, { id: 'c1' })));
    await http.json('POST', '/api/tasklist/user-tasks/1/comments', { text: '请补充材料' });
    expect(requests.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual(['GET /v2/authentication/me', 'POST /api/tasklist/user-tasks/1/comments']);
    expect(requests[1]!.headers.get(CSRF_HEADER)).toBe('tok-2');
  });

  it('sends the browser to the login page on 401, with the current path as next', async () => {
    const { http, assign } = setup(() => json(401, { title: 'UNAUTHORIZED', status: 401, detail: '会话已过期（30 分钟无操作），请重新登录 / the session has expired' }));
    const err = await http.json('GET', '/v2/authentication/me').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).redirecting).toBe(true);
    expect(assign).toHaveBeenCalledTimes(1);
    expect(assign).toHaveBeenCalledWith('/login?next=%2Ftasklist%2Ftasks%2F123%3Fx%3D1');
    // and only once, however many calls fail
    await http.json('GET', '/api/tasklist/filters').catch(() => undefined);
    expect(assign).toHaveBeenCalledTimes(1);
  });

  it('sends the browser to the password page on 403 PASSWORD_CHANGE_REQUIRED', async () => {
    const { http, assign } = setup(() => json(403, { title: 'PASSWORD_CHANGE_REQUIRED', status: 403, detail: '必须先修改密码' }), '/tasklist');
    await expect(http.json('GET', '/api/tasklist/filters')).rejects.toBeInstanceOf(ApiError);
    expect(assign).toHaveBeenCalledWith('/login/password?next=%2Ftasklist');
  });

  it('turns other problems into ApiError, keeping the fields', async () => {
    const fields = [{ name: 'itemScores[0].score', label: '得分', message: '不能大于 100' }];
    const { http, assign } = setup(() => json(400, { title: 'INVALID_ARGUMENT', status: 400, detail: '表单校验未通过：得分不能大于 100', fields }));
    const err = (await http.json('POST', '/x', {}).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(400);
    expect(err.fields).toEqual(fields);
    expect(chineseMessage(err)).toBe('表单校验未通过：得分不能大于 100');
    expect(assign).not.toHaveBeenCalled();
  });
});

describe('chineseMessage', () => {
  const problem = (status: number, detail: string, title = 'X') => new ApiError(status, { status, title, detail });
  it.each([
    [403, "Insufficient permissions to perform operation 'UPDATE_USER_TASK'", '无权执行此操作'],
    [404, "User task with key '1' not found", '未找到（可能已被他人办理或已结束）'],
    [409, 'Expected to complete user task, but it is in state COMPLETED', '状态已变化，请刷新'],
    [500, 'Internal error', '服务器错误，请稍后重试'],
    [503, 'RESOURCE_EXHAUSTED', '服务器错误，请稍后重试'],
  ])('maps English %i problems to Chinese', (status, detail, chinese) => {
    expect(chineseMessage(problem(status, detail))).toBe(chinese);
  });
  it('shows a Chinese detail as it is, and the Chinese half of a bilingual one', () => {
    expect(chineseMessage(problem(403, '无权查看此任务：只有任务的办理人、候选人和候选组成员可以查看'))).toBe('无权查看此任务：只有任务的办理人、候选人和候选组成员可以查看');
    expect(chineseMessage(problem(401, '会话已过期（30 分钟无操作），请重新登录 / the session has expired'))).toBe('会话已过期（30 分钟无操作），请重新登录');
  });
  it('says 网络连接失败 when the network fails', () => {
    expect(chineseMessage(new TypeError('Failed to fetch'))).toBe(NETWORK_ERROR);
  });
});

describe('the official Camunda client over our fetch', () => {
  it('searches user tasks with the 8.8 body, the session cookie and the CSRF token', async () => {
    const { http, requests } = setup(async (req) => {
      const path = new URL(req.url).pathname;
      if (req.method === 'GET') return json(200, me, { [CSRF_HEADER]: 'tok-3' });
      if (path === '/v2/user-tasks/search') return json(200, { items: [{ userTaskKey: '2251799813685365', name: '评审打分', state: 'CREATED' }], page: { totalItems: 1 } });
      return json(404, { title: 'NOT_FOUND', status: 404, detail: 'nothing here' });
    });
    const camunda = createCamunda(http, ORIGIN);
    const page = await camunda.searchUserTasks({ filter: { state: 'CREATED', assignee: 'clerk1' }, page: { from: 0, limit: 20 } });
    expect(page.items?.[0]?.name).toBe('评审打分');
    const post = requests.find((r) => r.method === 'POST')!;
    expect(new URL(post.url).pathname).toBe('/v2/user-tasks/search');
    expect(post.headers.get(CSRF_HEADER)).toBe('tok-3');
    expect(await post.json()).toEqual({ filter: { state: 'CREATED', assignee: 'clerk1' }, page: { from: 0, limit: 20 } });
  });

  it('rejects with the Chinese message of a refused completion, and does not retry it', async () => {
    let completions = 0;
    const { http } = setup(async (req) => {
      if (req.method === 'GET') return json(200, me, { [CSRF_HEADER]: 't' });
      completions++;
      return json(409, { title: 'INVALID_STATE', status: 409, detail: 'Expected to complete user task, but it is completed' });
    });
    const camunda = createCamunda(http, ORIGIN);
    const err = await camunda.completeUserTask('1', { decision: 'approve' }).catch((e: unknown) => e);
    expect(chineseMessage(err)).toBe('状态已变化，请刷新');
    expect(completions).toBe(1);
  });

  it('asks for variables with truncateValues=false', async () => {
    const { http, requests } = setup(async (req) => (req.method === 'GET' ? json(200, me, { [CSRF_HEADER]: 't' }) : json(200, { items: [], page: { totalItems: 0 } })));
    await createCamunda(http, ORIGIN).searchUserTaskVariables('42', { page: { from: 0, limit: 500 } });
    const post = requests.find((r) => r.method === 'POST')!;
    const url = new URL(post.url);
    expect(url.pathname).toBe('/v2/user-tasks/42/variables/search');
    expect(url.searchParams.get('truncateValues')).toBe('false');
  });

  it("calls pingpin's own /api/tasklist with the same fetch", async () => {
    const { http, requests } = setup(async (req) => (req.method === 'GET' ? json(200, { today: '2026-12-08', items: { '2026-12-10': 2 } }, { [CSRF_HEADER]: 't' }) : json(204, null)));
    const api = tasklistApi(http);
    expect((await api.workingDays(['2026-12-10', '2026-12-20'])).items['2026-12-10']).toBe(2);
    expect(new URL(requests[0]!.url).search).toBe('?until=2026-12-10,2026-12-20');
  });
});
