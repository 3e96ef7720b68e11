import { useEffect, useState } from 'react';
import { camunda } from '../shared/api/instance';
import type { ProcessDefinition } from '../shared/api/camunda';

export interface ProcessOption {
  value: string;
  label: string;
}

/** The procedures (latest version of each) for the 流程 filter. */
export function useProcessOptions(): ProcessOption[] {
  const [options, setOptions] = useState<ProcessOption[]>([]);
  useEffect(() => {
    let cancelled = false;
    camunda
      .searchProcessDefinitions({ filter: { isLatestVersion: true }, sort: [{ field: 'name', order: 'ASC' }], page: { from: 0, limit: 200 } })
      .then((r) => {
        if (cancelled) return;
        const seen = new Map<string, string>();
        for (const p of (r.items ?? []) as ProcessDefinition[]) {
          if (p.processDefinitionId && !seen.has(p.processDefinitionId)) seen.set(p.processDefinitionId, p.name || p.processDefinitionId);
        }
        setOptions([...seen].map(([value, label]) => ({ value, label })));
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, []);
  return options;
}
