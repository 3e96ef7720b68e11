import { Result } from 'antd';
import { LinkButton } from './LinkButton';

export function NotFound() {
  return (
    <main>
      <Result status="404" title="页面不存在" subTitle="您访问的页面不存在或已移动。" extra={<LinkButton to="/tasklist" type="primary">返回任务中心</LinkButton>} />
    </main>
  );
}

export function OperatePlaceholder() {
  return (
    <main>
      <Result status="info" title="运行监控" subTitle="运行监控页面正在建设中。" extra={<LinkButton to="/tasklist" type="primary">前往任务中心</LinkButton>} />
    </main>
  );
}
