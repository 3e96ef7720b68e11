/**
 * The process diagram (bpmn-js NavigatedViewer, with the bpmn.io watermark its licence requires) with
 * the current step highlighted. A campaign's process is large: fitted into the card it is drawn at a
 * third of its size or less, and the step is a speck. So when the fitted view is too small to read,
 * the diagram opens at full size centred on the step; 适应窗口 shows it all, 定位当前步骤 comes back.
 * Buttons zoom for keyboard users; the viewer's own mouse/keyboard navigation works too.
 */
import { useEffect, useRef, useState } from 'react';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import { Alert, Button, Space, Spin } from 'antd';
import { AimOutlined, CompressOutlined, ZoomInOutlined, ZoomOutOutlined } from '@ant-design/icons';

interface Shape {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  businessObject?: { name?: string };
}
interface Viewbox {
  x: number;
  y: number;
  width: number;
  height: number;
  scale: number;
  outer: { width: number; height: number };
}
interface Canvas {
  zoom(level?: number | 'fit-viewport', center?: 'auto'): number;
  viewbox(box?: { x: number; y: number; width: number; height: number }): Viewbox;
  addMarker(element: string, marker: string): void;
  findRoot(element: Shape): unknown;
  getRootElement(): unknown;
  setRootElement(root: unknown): void;
}
interface ElementRegistry {
  get(id: string): Shape | undefined;
}

/** Below this zoom a task's label (14 px at 1.0) is under 8 px: too small to read. */
export const READABLE_ZOOM = 0.6;
/** The zoom the current step is shown at: the modeller's own size. */
export const FOCUS_ZOOM = 1;

/** The viewbox that shows `shape` centred, at `scale`, in a viewport of `outer` pixels. */
export function centredViewbox(shape: Pick<Shape, 'x' | 'y' | 'width' | 'height'>, outer: { width: number; height: number }, scale = FOCUS_ZOOM) {
  const width = outer.width / scale;
  const height = outer.height / scale;
  return { x: shape.x + shape.width / 2 - width / 2, y: shape.y + shape.height / 2 - height / 2, width, height };
}

export function Diagram({ xml, elementId, processName }: { xml: string | undefined; elementId: string | undefined; processName: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const viewerRef = useRef<NavigatedViewer | null>(null);
  const currentRef = useRef<Shape | undefined>(undefined);
  const [error, setError] = useState<string>();
  const [stepName, setStepName] = useState<string>();

  useEffect(() => {
    if (!ref.current || !xml) return;
    const viewer = new NavigatedViewer({ container: ref.current });
    viewerRef.current = viewer;
    currentRef.current = undefined;
    let cancelled = false;
    viewer
      .importXML(xml)
      .then(() => {
        if (cancelled) return;
        const canvas = viewer.get<Canvas>('canvas');
        const element = elementId ? viewer.get<ElementRegistry>('elementRegistry').get(elementId) : undefined;
        if (element) {
          // A step inside a collapsed subprocess is drawn on that subprocess's own plane.
          const root = canvas.findRoot(element);
          if (root && root !== canvas.getRootElement()) canvas.setRootElement(root);
          canvas.addMarker(element.id, 'highlight-current');
          currentRef.current = element;
          setStepName(element.businessObject?.name ?? element.id);
        }
        const fitted = canvas.zoom('fit-viewport', 'auto');
        if (element && fitted < READABLE_ZOOM) canvas.viewbox(centredViewbox(element, canvas.viewbox().outer));
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

  const zoom = (factor: number | 'fit' | 'current') => {
    const canvas = viewerRef.current?.get<Canvas>('canvas');
    if (!canvas) return;
    if (factor === 'fit') canvas.zoom('fit-viewport', 'auto');
    else if (factor === 'current') {
      if (currentRef.current) canvas.viewbox(centredViewbox(currentRef.current, canvas.viewbox().outer));
    } else canvas.zoom(canvas.zoom() * factor);
  };

  if (error) return <Alert type="warning" showIcon title={error} />;
  // A figure, not role="img": the canvas takes the keyboard focus and the watermark is a link, and an
  // image may not hold controls (axe nested-interactive). The caption names the step in words.
  return (
    <figure className="pp-diagram-figure">
      <Space size={4} wrap style={{ marginBottom: 6 }}>
        <Button size="small" icon={<ZoomInOutlined aria-hidden="true" />} onClick={() => zoom(1.25)} aria-label="放大流程图" />
        <Button size="small" icon={<ZoomOutOutlined aria-hidden="true" />} onClick={() => zoom(0.8)} aria-label="缩小流程图" />
        <Button size="small" icon={<CompressOutlined aria-hidden="true" />} onClick={() => zoom('fit')}>
          适应窗口
        </Button>
        <Button size="small" icon={<AimOutlined aria-hidden="true" />} onClick={() => zoom('current')} disabled={!stepName}>
          定位当前步骤
        </Button>
      </Space>
      <div ref={ref} className="pp-diagram">
        {!xml ? <Spin style={{ position: 'absolute', inset: 0, margin: 'auto', height: 20 }} /> : null}
      </div>
      <figcaption className="pp-diagram-caption">
        流程图：{processName}
        {stepName ? (
          <>
            ；当前步骤：<strong>{stepName}</strong>（图中蓝色粗框、浅蓝底色标出）
          </>
        ) : null}
      </figcaption>
    </figure>
  );
}
