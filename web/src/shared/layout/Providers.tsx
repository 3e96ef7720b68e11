/** antd in Simplified Chinese (zhCN, dayjs zh-cn), with colours that keep WCAG AA contrast. */
import { useEffect, type ReactNode } from 'react';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { AnnouncerProvider } from './Announcer';
import { hideDecorativeIcons } from './a11y';

dayjs.locale('zh-cn');

export function Providers({ children }: { children: ReactNode }) {
  useEffect(() => hideDecorativeIcons(document.body), []);
  return (
    <ConfigProvider
      locale={zhCN}
      // 认领, not 认 领: antd spaces two-character labels, which screen readers then spell out.
      button={{ autoInsertSpace: false }}
      theme={{
        token: {
          // antd's default primary (#1677ff) is 4.1:1 on white; #0958d9 is 5.9:1.
          colorPrimary: '#0958d9',
          colorLink: '#0958d9',
          // antd lightens these for hover/press (#2e7ae6: white on it is 4.2:1); darker keeps AA in every state.
          colorPrimaryHover: '#003eb3',
          colorPrimaryActive: '#002c8c',
          colorLinkHover: '#003eb3',
          colorLinkActive: '#002c8c',
          // error text (#ff4d4f is 3.3:1) and warnings readable on white
          colorError: '#cf1322',
          colorWarning: '#ad6800',
          // secondary text at 0.45 alpha is 4.6:1 at best; 0.65 is safely above AA.
          colorTextDescription: 'rgba(0, 0, 0, 0.65)',
          colorTextTertiary: 'rgba(0, 0, 0, 0.65)',
          colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
          fontFamily: "'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
        },
        components: {
          // A link in a selected row under the pointer: #add8ff leaves the link at 4.1:1; #d6e8ff, 4.9:1.
          Table: { rowSelectedHoverBg: '#d6e8ff' },
        },
      }}
    >
      <AntApp>
        <AnnouncerProvider>{children}</AnnouncerProvider>
      </AntApp>
    </ConfigProvider>
  );
}
