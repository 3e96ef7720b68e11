/** The page frame: header (product, navigation, notifications, user, 修改密码, 退出登录) and the page. */
import { useEffect } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router-dom';
import { Button } from 'antd';
import { KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { SessionProvider, changePasswordUrl, displayNameOf, logout, useCurrentUser } from '../auth/session';
import { NotificationsBell } from '../../tasklist/Notifications';

function Header() {
  const user = useCurrentUser();
  return (
    <header className="pp-header">
      <a href="#main" className="pp-skip-link">跳到主要内容</a>
      <NavLink to="/tasklist" className="pp-brand">
        <span className="pp-brand-title">任务中心</span>
        <span className="pp-brand-sub">特级技师/首席技师评聘</span>
      </NavLink>
      <nav className="pp-nav" aria-label="主导航">
        <NavLink to="/tasklist" end>
          任务列表
        </NavLink>
        <NavLink to="/tasklist/start">发起流程</NavLink>
      </nav>
      <div className="pp-header-right">
        <NotificationsBell />
        <span className="pp-user" title={user.username}>
          <UserOutlined aria-hidden="true" /> <span>{displayNameOf(user)}</span>
        </span>
        <Button type="text" href={changePasswordUrl('/tasklist')} icon={<KeyOutlined aria-hidden="true" />}>
          修改密码
        </Button>
        <Button type="text" icon={<LogoutOutlined aria-hidden="true" />} onClick={() => void logout()}>
          退出登录
        </Button>
      </div>
    </header>
  );
}

function TitleKeeper() {
  const location = useLocation();
  useEffect(() => {
    // Each page sets its own title; this resets it when a page has none.
    if (location.pathname === '/tasklist') document.title = '任务中心 · 特级技师/首席技师评聘';
  }, [location.pathname]);
  return null;
}

export function AppShell() {
  return (
    <SessionProvider>
      <Header />
      <TitleKeeper />
      <main id="main" className="pp-main" tabIndex={-1}>
        <Outlet />
      </main>
    </SessionProvider>
  );
}
