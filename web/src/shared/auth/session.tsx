/**
 * Who is logged in (GET /v2/authentication/me), logout and the password page. The login itself is
 * the server's page (/login); a 401 anywhere sends the browser there (see api/http.ts).
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { Result, Spin } from 'antd';
import { camunda, http } from '../api/instance';
import type { CurrentUser } from '../api/camunda';
import { chineseMessage, isApiError } from '../api/errors';
import { CSRF_HEADER, passwordUrl } from '../api/http';

/** The logged-in user as the pages use it (from the 8.8 CamundaUserResult). */
export interface SessionUser {
  username: string;
  displayName: string;
  email?: string;
  groups: string[];
  roles: string[];
}

export function toSessionUser(me: CurrentUser): SessionUser {
  const username = me.username ?? '';
  return { username, displayName: me.displayName || username, email: me.email ?? undefined, groups: me.groups ?? [], roles: me.roles ?? [] };
}

const SessionContext = createContext<SessionUser | null>(null);

export function useCurrentUser(): SessionUser {
  const user = useContext(SessionContext);
  if (!user) throw new Error('useCurrentUser outside SessionProvider');
  return user;
}

export function displayNameOf(user: SessionUser): string {
  return user.displayName || user.username;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null>(null);
  const [error, setError] = useState<string>();
  useEffect(() => {
    let cancelled = false;
    camunda
      .getAuthentication()
      .then((me) => {
        if (!cancelled) setUser(toSessionUser(me));
      })
      .catch((err: unknown) => {
        if (cancelled || (isApiError(err) && err.redirecting)) return;
        setError(chineseMessage(err));
      });
    return () => {
      cancelled = true;
    };
  }, []);
  if (error) return <Result status="error" title="无法加载用户信息" subTitle={error} />;
  if (!user) {
    return (
      <div style={{ display: 'grid', placeItems: 'center', minHeight: '60vh' }}>
        <Spin size="large" description="正在加载…" />
      </div>
    );
  }
  return <SessionContext.Provider value={user}>{children}</SessionContext.Provider>;
}

export async function logout(): Promise<void> {
  let token = http.csrfToken();
  try {
    token ??= await http.ensureCsrf();
    await fetch('/logout', { method: 'POST', credentials: 'same-origin', headers: { [CSRF_HEADER]: token, 'Content-Type': 'application/json' }, body: '{}' });
  } finally {
    window.location.assign('/login?loggedOut');
  }
}

export function changePasswordUrl(next = '/tasklist'): string {
  return passwordUrl(next);
}
