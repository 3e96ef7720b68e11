/**
 * The process diagram (bpmn-js NavigatedViewer, with the bpmn.io watermark its licence requires),
 * the current step highlighted and the whole diagram fitted into view. Buttons zoom and re-fit for
 * keyboard users; the viewer's own mouse/keyboard navigation works too.
 */
import { useEffect, useRef, useState } from 'react';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import { Alert, Button, Space, Spin } from 'antd';
import { CompressOutlined, ZoomInOutlined, ZoomOutOutlined } from '@ant-design/icons';

interface Canvas {
  zoom(level?: number | 'fit-viewport', center?: 'auto'): number;
  addMarker(element: string, marker: string): void;
}
interface ElementRegistry {
  get(id: string): { businessObject?: { name?: string } } | undefined;
}

export function Diagram({ xml, elementId, processName }: { xml: string | undefined; elementId: string | undefined; processName: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const viewerRef = useRef<NavigatedViewer | null>(null);
  const [error, setError] = useState<string>();
  const [stepName, setStepName] = useState<string>();

  useEffect(() => {
    if (!ref.current || !xml) return;
    const viewer = new NavigatedViewer({ container: ref.current });
    viewerRef.current = viewer;
    let cancelled = false;
    viewer
      .importXML(xml)
      .then(() => {
        if (cancelled) return;
        const canvas = viewer.get<Canvas>('canvas');
        canvas.zoom('fit-viewport', 'auto');
        if (elementId) {
          const registry = viewer.get<ElementRegistry>('elementRegistry');
          const element = registry.get(elementId);
          if (element) {
            canvas.addMarker(elementId, 'highlight-current');
            setStepName(element.businessObject?.name ?? elementId);
          }
        }
      })
      .catch(() => {
        if (!cancelled) setError('流程图无法显示。');
      });
    return () => {
      cancelled = true;
      viewer.destroy();
      viewerRef.current = null;
    };
  }, [xml, elementId]);

  const zoom = (factor: number | 'fit') => {
    const canvas = viewerRef.current?.get<Canvas>('canvas');
    if (!canvas) return;
    if (factor === 'fit') canvas.zoom('fit-viewport', 'auto');
    else canvas.zoom(canvas.zoom() * factor);
  };

  if (error) return <Alert type="warning" showIcon title={error} />;
  return (
    <div>
      <Space size={4} style={{ marginBottom: 6 }}>
        <Button size="small" icon={<ZoomInOutlined aria-hidden="true" />} onClick={() => zoom(1.25)} aria-label="放大流程图" />
        <Button size="small" icon={<ZoomOutOutlined aria-hidden="true" />} onClick={() => zoom(0.8)} aria-label="缩小流程图" />
        <Button size="small" icon={<CompressOutlined aria-hidden="true" />} onClick={() => zoom('fit')} aria-label="流程图适应窗口">
          适应窗口
        </Button>
      </Space>
      <div ref={ref} className="pp-diagram" role="img" aria-label={`流程图：${processName}${stepName ? `，当前步骤：${stepName}（已高亮）` : ''}`}>
        {!xml ? <Spin style={{ position: 'absolute', inset: 0, margin: 'auto', height: 20 }} /> : null}
      </div>
    </div>
  );
}
