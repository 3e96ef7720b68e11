/**
 * The login and change-password pages: server-rendered HTML that works without JavaScript (a form
 * POST), in Simplified Chinese, with labelled fields, errors tied to their fields and announced to
 * screen readers (WCAG 2.1 AA), laid out to fit 1366×768.
 */

const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
:root { color-scheme: light; --accent: #b3261e; --ink: #1f1f1f; --muted: #595959; --line: #8c8c8c; --focus: #0b57d0; }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f4f5f7; color: var(--ink);
  font: 16px/1.6 "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif; }
main { width: min(420px, 92vw); background: #fff; border: 1px solid #d9d9d9; border-radius: 8px; padding: 32px 36px; box-shadow: 0 2px 8px rgba(0,0,0,.06); }
h1 { font-size: 22px; margin: 0 0 4px; }
p.sub { margin: 0 0 24px; color: var(--muted); font-size: 14px; }
label { display: block; font-weight: 600; margin: 16px 0 6px; }
input { width: 100%; font: inherit; padding: 9px 12px; border: 1px solid var(--line); border-radius: 4px; }
input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
input[aria-invalid="true"] { border-color: var(--accent); }
.hint { color: var(--muted); font-size: 13px; margin: 6px 0 0; }
.error { color: var(--accent); font-size: 14px; margin: 6px 0 0; }
.alert { border: 1px solid var(--accent); background: #fdecea; color: #5f1410; border-radius: 4px; padding: 10px 12px; margin: 0 0 8px; font-size: 14px; }
.note { border: 1px solid #2e7d32; background: #edf7ed; color: #1e4620; border-radius: 4px; padding: 10px 12px; margin: 0 0 8px; font-size: 14px; }
button { margin-top: 24px; width: 100%; font: inherit; font-weight: 600; padding: 10px; border: 0; border-radius: 4px; background: #0b57d0; color: #fff; cursor: pointer; }
button:hover { background: #0842a0; }
a { color: #0b57d0; }
footer { margin-top: 20px; font-size: 13px; color: var(--muted); text-align: center; }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · 特级技师评聘系统</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
<footer>特级技师、首席技师评聘系统（pingpin）</footer>
</main>
</body>
</html>`;
}

export interface LoginPageOptions {
  username?: string;
  next?: string;
  error?: string;
  notice?: string;
}

export function loginPage(o: LoginPageOptions = {}): string {
  const err = o.error ? `<div class="alert" role="alert" id="login-error">${escape(o.error)}</div>` : '';
  const notice = o.notice ? `<div class="note" role="status">${escape(o.notice)}</div>` : '';
  const invalid = o.error ? ' aria-invalid="true" aria-describedby="login-error"' : '';
  return page(
    '登录',
    `<h1>登录</h1>
<p class="sub">特级技师、首席技师评聘系统 · 任务中心与运行监控</p>
${notice}${err}
<form method="post" action="/login" novalidate>
<input type="hidden" name="next" value="${escape(o.next ?? '')}">
<label for="username">用户名</label>
<input id="username" name="username" autocomplete="username" required value="${escape(o.username ?? '')}"${invalid}${o.username ? '' : ' autofocus'}>
<label for="password">密码</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${invalid}${o.username ? ' autofocus' : ''}>
<button type="submit">登录</button>
</form>`,
  );
}

export interface PasswordPageOptions {
  username: string;
  csrfToken: string;
  next?: string;
  required: boolean;
  /** Field name → message. */
  errors?: Partial<Record<'currentPassword' | 'newPassword' | 'confirmPassword', string>>;
}

export function passwordPage(o: PasswordPageOptions): string {
  const field = (name: 'currentPassword' | 'newPassword' | 'confirmPassword', label: string, autocomplete: string, hint?: string) => {
    const error = o.errors?.[name];
    const described = [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ');
    return `<label for="${name}">${label}</label>
<input id="${name}" name="${name}" type="password" autocomplete="${autocomplete}" required${error ? ' aria-invalid="true"' : ''}${described ? ` aria-describedby="${described}"` : ''}>
${hint ? `<p class="hint" id="${name}-hint">${hint}</p>` : ''}${error ? `<p class="error" id="${name}-error" role="alert">${escape(error)}</p>` : ''}`;
  };
  return page(
    '修改密码',
    `<h1>修改密码</h1>
<p class="sub">用户 ${escape(o.username)}</p>
${o.required ? '<div class="note" role="status">首次登录或管理员已重置密码：请先设置新密码，再继续使用系统。</div>' : ''}
<form method="post" action="/login/password" novalidate>
<input type="hidden" name="_csrf" value="${escape(o.csrfToken)}">
<input type="hidden" name="next" value="${escape(o.next ?? '')}">
${field('currentPassword', '当前密码', 'current-password')}
${field('newPassword', '新密码', 'new-password', '至少 8 个字符，包含大写字母、小写字母、数字、符号中的至少三类，且不含用户名。')}
${field('confirmPassword', '再次输入新密码', 'new-password')}
<button type="submit">保存新密码</button>
</form>`,
  );
}

export function loggedInPage(username: string, csrfToken: string): string {
  return page(
    '已登录',
    `<h1>已登录</h1>
<p class="sub">当前用户：${escape(username)}</p>
<p><a href="/login/password">修改密码</a></p>
<form method="post" action="/logout">
<input type="hidden" name="_csrf" value="${escape(csrfToken)}">
<button type="submit">退出登录</button>
</form>`,
  );
}
