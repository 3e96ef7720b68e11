/**
 * A Camunda Form rendered by @bpmn-io/form-js — the same viewer Camunda Tasklist uses — with its
 * messages in Chinese. The parent drives it through the handle: submit() (form-js's own validation
 * and submit data), showServerErrors() (a refused completion's field errors next to their fields).
 */
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';
import { Form } from '@bpmn-io/form-js';
import '@bpmn-io/form-js/dist/assets/form-js.css';
import { Alert, Skeleton } from 'antd';
import { chineseValidatorModule, localizeDatePicker, observeFormJsUi } from '../i18n/form-js';
import type { ProblemField } from '../api/errors';
import { placeServerErrors, type KeyedFieldInstance } from './serverErrors';

export interface FormSubmitResult {
  data: Record<string, unknown>;
  /** field id → messages (Chinese); empty when valid */
  errors: Record<string, unknown>;
  /** the invalid fields' labels, for a summary */
  invalidLabels: string[];
  /** how many field instances are invalid (a repeated field counts once per repetition) */
  invalidCount: number;
}

export interface FormViewHandle {
  /** Flushes the field being edited (form-js debounces typing until blur), then form-js's submit(). */
  submit(): Promise<FormSubmitResult | undefined>;
  /** Place server errors on the fields they name; returns those that match no field. */
  showServerErrors(fields: readonly ProblemField[]): ProblemField[];
}

export interface FormViewProps {
  schema: unknown;
  data: Record<string, unknown>;
  readOnly: boolean;
  /** accessible name of the form region */
  label: string;
}

interface FormInternals {
  get(name: 'formFieldInstanceRegistry'): { getAllKeyed(): KeyedFieldInstance[] };
  get(name: 'formFieldRegistry'): { get(id: string): { label?: string; dateLabel?: string; timeLabel?: string; key?: string } | undefined };
  _setState(state: { errors: Record<string, unknown> }): void;
}

/**
 * A form's markdown starts at # (h1) and may skip levels (# then ###), but it sits under the page's
 * h1 and the card's h2: its heading levels, in order, are announced as 3, 4, 5 … (at most 6) so that
 * the page's outline has no jumps.
 */
export function demoteHeadings(container: HTMLElement, first = 3): () => void {
  const fix = () => {
    const headings = [...container.querySelectorAll('h1, h2, h3, h4, h5, h6')];
    const levels = [...new Set(headings.map((h) => Number(h.tagName[1])))].sort((a, b) => a - b);
    headings.forEach((h) => {
      const level = Math.min(6, first + levels.indexOf(Number(h.tagName[1])));
      if (h.getAttribute('aria-level') !== String(level)) {
        h.setAttribute('role', 'heading');
        h.setAttribute('aria-level', String(level));
      }
    });
  };
  fix();
  const observer = new MutationObserver(() => fix());
  observer.observe(container, { childList: true, subtree: true });
  return () => observer.disconnect();
}

/** Leaf message lists in form-js's error state (by field id, then by repeat index). */
export function countErrors(errors: unknown): number {
  if (Array.isArray(errors) && errors.every((e) => typeof e === 'string')) return errors.length ? 1 : 0;
  if (Array.isArray(errors)) return errors.reduce<number>((n, v) => n + countErrors(v), 0);
  if (errors && typeof errors === 'object') return Object.values(errors).reduce<number>((n, v) => n + countErrors(v), 0);
  return 0;
}

export const FormView = forwardRef<FormViewHandle, FormViewProps>(function FormView({ schema, data, readOnly, label }, ref) {
  const containerRef = useRef<HTMLDivElement>(null);
  const formRef = useRef<Form | null>(null);
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    localizeDatePicker();
    const form = new Form({ container, additionalModules: [chineseValidatorModule] });
    formRef.current = form;
    const stop = observeFormJsUi(container);
    const stopHeadings = demoteHeadings(container);
    let cancelled = false;
    setLoading(true);
    form
      .importSchema(schema as Parameters<Form['importSchema']>[0], data)
      .then(() => {
        if (cancelled) return;
        form.setProperty('readOnly', readOnly);
        setError(undefined);
      })
      .catch(() => {
        if (!cancelled) setError('表单无法显示（表单定义有误），请联系系统管理员。');
      })
      .finally(() => {
        if (!cancelled) setLoading(false);
      });
    return () => {
      cancelled = true;
      stop();
      stopHeadings();
      form.destroy();
      formRef.current = null;
    };
    // data is read once per schema: re-importing on every refresh would wipe what the clerk typed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [schema]);

  useEffect(() => {
    formRef.current?.setProperty('readOnly', readOnly);
  }, [readOnly]);

  useImperativeHandle(
    ref,
    () => ({
      async submit() {
        const active = document.activeElement;
        if (active instanceof HTMLElement && containerRef.current?.contains(active)) {
          active.blur();
          await new Promise((resolve) => window.setTimeout(resolve, 0));
        }
        const form = formRef.current;
        if (!form) return undefined;
        const { data: submitted, errors } = form.submit();
        const internals = form as unknown as FormInternals;
        const registry = internals.get('formFieldRegistry');
        const labelOf = (id: string) => {
          const f = registry.get(id);
          return f?.label || f?.dateLabel || f?.timeLabel || f?.key || id;
        };
        const invalidLabels = [...new Set(Object.keys(errors).map(labelOf))];
        return { data: submitted as Record<string, unknown>, errors: errors as Record<string, unknown>, invalidLabels, invalidCount: countErrors(errors) };
      },
      showServerErrors(fields) {
        const form = formRef.current;
        if (!form) return [...fields];
        const internals = form as unknown as FormInternals;
        const { errors, unplaced } = placeServerErrors(fields, internals.get('formFieldInstanceRegistry').getAllKeyed());
        internals._setState({ errors });
        return unplaced;
      },
    }),
    [],
  );

  return (
    <div role="region" aria-label={label}>
      {error ? <Alert type="error" title={error} showIcon /> : null}
      {loading ? <Skeleton active aria-busy="true" /> : null}
      <div ref={containerRef} className="pp-form" />
    </div>
  );
});

/**
 * For a submit button next to a form-js form: keep the focus in the form on mousedown. Otherwise the
 * field loses focus first, form-js re-validates it on blur, an error line disappears, the button
 * moves up under the pointer, and the mouseup lands elsewhere — the click is lost. (Keyboard use is
 * unaffected.)
 */
export const keepFormFocus = (e: { preventDefault(): void }) => e.preventDefault();
