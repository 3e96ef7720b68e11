/**
 * One app for pingpin's pages: 任务中心 (/tasklist) now; 运行监控 (/operate) and the public pages (/)
 * join later as further routes under the same shell, login and API client.
 */
import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter, RouterProvider, Navigate } from 'react-router-dom';
import { Skeleton } from 'antd';
import { AppShell } from './shared/layout/AppShell';
import { TaskListPage } from './tasklist/TaskListPage';

// The form (form-js) and diagram (bpmn-js) viewers are large: loaded with the pages that use them.
const TaskDetailPage = lazy(() => import('./tasklist/TaskDetailPage').then((m) => ({ default: m.TaskDetailPage })));
const StartPage = lazy(() => import('./tasklist/StartPage').then((m) => ({ default: m.StartPage })));

const page = (element: ReactNode) => <Suspense fallback={<Skeleton active />}>{element}</Suspense>;
import { NotFound, OperatePlaceholder } from './shared/layout/Placeholders';
import { Providers } from './shared/layout/Providers';

const router = createBrowserRouter([
  {
    path: '/tasklist',
    element: <AppShell />,
    children: [
      { index: true, element: <TaskListPage /> },
      { path: 'tasks/:userTaskKey', element: page(<TaskDetailPage />) },
      { path: 'start', element: page(<StartPage />) },
      { path: '*', element: <NotFound /> },
    ],
  },
  { path: '/operate/*', element: <OperatePlaceholder /> },
  { path: '/', element: <Navigate to="/tasklist" replace /> },
  { path: '*', element: <NotFound /> },
]);

export function App() {
  return (
    <Providers>
      <RouterProvider router={router} />
    </Providers>
  );
}
