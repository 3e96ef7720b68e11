/**
 * Process instances: creating one (by the none start event, an event start or a call activity),
 * cancelling a whole call tree, and the waiters of awaitProcessInstance, which it owns because
 * they are woken when the command that finished an instance commits.
 */
import type { Clock } from './clock.js';
import { EngineError, notFound } from './errors.js';
import type { Store } from './store.js';
import type { CreateProcessInstanceRequest, CreateProcessInstanceResponse, Variables } from './types.js';
import { DEFAULT_TENANT, parseKey, type ElementRow, type DefinitionRow } from './rows.js';
import type { CommandState, EngineContext } from './context.js';

interface CompletionWaiter {
  resolve: (variables: Variables) => void;
  reject: (err: Error) => void;
  fetchVariables?: string[];
}

export class ProcessInstances {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly tx: CommandState;
  private readonly completionWaiters = new Map<number, CompletionWaiter[]>();

  constructor(private readonly ctx: EngineContext) {
    this.store = ctx.store;
    this.clock = ctx.clock;
    this.tx = ctx.tx;
  }

  createProcessInstance(request: CreateProcessInstanceRequest): CreateProcessInstanceResponse {
    const tenantId = request.tenantId ?? DEFAULT_TENANT;
    let def: DefinitionRow | undefined;
    if (request.processDefinitionKey !== undefined) {
      const key = parseKey('Process definition', request.processDefinitionKey);
      def = this.store.stmt(`SELECT * FROM resources WHERE kind = 'process' AND key = ?`).get(key) as DefinitionRow | undefined;
      if (!def) {
        throw new EngineError('NOT_FOUND', `Expected to find process definition with key '${request.processDefinitionKey}', but none found`);
      }
    } else if (request.processDefinitionId !== undefined) {
      const version = request.processDefinitionVersion ?? -1;
      def = (
        version === -1
          ? this.store.stmt(`SELECT * FROM resources WHERE kind = 'process' AND tenant_id = ? AND resource_id = ? ORDER BY version DESC LIMIT 1`).get(tenantId, request.processDefinitionId)
          : this.store.stmt(`SELECT * FROM resources WHERE kind = 'process' AND tenant_id = ? AND resource_id = ? AND version = ?`).get(tenantId, request.processDefinitionId, version)
      ) as DefinitionRow | undefined;
      if (!def) {
        throw new EngineError(
          'NOT_FOUND',
          version === -1
            ? `Expected to find process definition with process ID '${request.processDefinitionId}', but none found`
            : `Expected to find process definition with process ID '${request.processDefinitionId}' and version '${version}', but none found`,
        );
      }
    } else {
      throw new EngineError('INVALID_ARGUMENT', 'Expected either processDefinitionId or processDefinitionKey, but none given');
    }
    const definition = def;
    const model = this.ctx.elements.model(definition.key);
    if (!model.nodes.get(model.processId)!.scope!.noneStartId) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `Expected to create instance of process with none start event, but there is no such event in process '${definition.resource_id}'`,
        'CREATE',
      );
    }
    return this.ctx.command('CREATE_PROCESS_INSTANCE', definition.key, () => {
      const piKey = this.startInstance(definition, request.variables ?? {}, {});
      return {
        processDefinitionId: definition.resource_id,
        processDefinitionVersion: definition.version,
        processDefinitionKey: String(definition.key),
        processInstanceKey: String(piKey),
        tenantId: definition.tenant_id,
        variables: {},
      };
    });
  }

  /**
   * Creates a process instance inside the current command: at the none start event, or at an event
   * start event (startAt), or as the child of a call activity (parent).
   */
  startInstance(
    definition: DefinitionRow,
    variables: Variables,
    options: { startAt?: string; parent?: ElementRow; messageCorrelationKey?: string },
  ): number {
    const model = this.ctx.elements.model(definition.key);
    const piKey = this.store.nextKey();
    this.store
      .stmt(
        `INSERT INTO process_instances (key, process_definition_key, process_definition_id, process_definition_name, process_definition_version, process_definition_version_tag, state, start_date,
           parent_process_instance_key, parent_element_instance_key, tenant_id, message_correlation_key)
         VALUES (?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?, ?, ?, ?)`,
      )
      .run(
        piKey,
        definition.key,
        definition.resource_id,
        definition.name,
        definition.version,
        definition.version_tag,
        this.clock.now(),
        options.parent?.process_instance_key ?? null,
        options.parent?.key ?? null,
        definition.tenant_id,
        options.messageCorrelationKey ?? null,
      );
    this.ctx.elements.insertElement(piKey, {
      piKey,
      definitionKey: definition.key,
      processId: definition.resource_id,
      elementId: definition.resource_id,
      name: model.name ?? null,
      type: 'PROCESS',
      flowScopeKey: null,
      tenantId: definition.tenant_id,
      runtime: options.startAt ? { startAt: options.startAt } : undefined,
    });
    for (const [name, value] of Object.entries(variables)) {
      this.ctx.variables.setLocalVariable(piKey, piKey, definition.resource_id, definition.tenant_id, name, value);
    }
    this.tx.agenda.push({ kind: 'activate', key: piKey });
    return piKey;
  }

  awaitProcessInstance(processInstanceKey: string, timeoutMs: number, fetchVariables?: string[]): Promise<Variables> {
    const key = parseKey('Process instance', processInstanceKey);
    const row = this.store.stmt(`SELECT state FROM process_instances WHERE key = ?`).get(key) as { state: string } | undefined;
    if (!row) return Promise.reject(notFound('Process instance', processInstanceKey));
    if (row.state === 'COMPLETED') return Promise.resolve(this.ctx.variables.rootVariables(key, fetchVariables));
    if (row.state === 'TERMINATED') {
      return Promise.reject(new EngineError('INVALID_STATE', `Process instance '${processInstanceKey}' was terminated before it completed`));
    }
    return new Promise<Variables>((resolve, reject) => {
      const waiter: CompletionWaiter = {
        fetchVariables,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        const list = this.completionWaiters.get(key);
        if (list) this.completionWaiters.set(key, list.filter((w) => w !== waiter));
        reject(
          new EngineError(
            'DEADLINE_EXCEEDED',
            `Expected to receive the result of process instance '${processInstanceKey}' within ${timeoutMs} ms, but it did not complete in time; the instance keeps running`,
          ),
        );
      }, timeoutMs);
      const list = this.completionWaiters.get(key) ?? [];
      list.push(waiter);
      this.completionWaiters.set(key, list);
    });
  }

  notifyCompletion(piKey: number): void {
    const waiters = this.completionWaiters.get(piKey);
    if (!waiters) return;
    this.completionWaiters.delete(piKey);
    const state = (this.store.stmt(`SELECT state FROM process_instances WHERE key = ?`).get(piKey) as { state: string }).state;
    for (const w of waiters) {
      if (state === 'COMPLETED') w.resolve(this.ctx.variables.rootVariables(piKey, w.fetchVariables));
      else w.reject(new EngineError('INVALID_STATE', `Process instance '${piKey}' was terminated before it completed`));
    }
  }

  /**
   * Cancels a process instance and everything it called. Cancelling a called (child) instance
   * cancels the whole tree from its root, so neither side is left waiting for the other.
   */
  cancelProcessInstance(processInstanceKey: string): void {
    let key = parseKey('Process instance', processInstanceKey);
    const pi = this.store.stmt(`SELECT state, parent_process_instance_key FROM process_instances WHERE key = ?`).get(key) as
      | { state: string; parent_process_instance_key: number | null }
      | undefined;
    if (!pi) {
      throw new EngineError('NOT_FOUND', `Expected to cancel a process instance with key '${processInstanceKey}', but no such process was found`);
    }
    if (pi.state !== 'ACTIVE') {
      throw new EngineError('NOT_FOUND', `Expected to cancel a process instance with key '${processInstanceKey}', but no such process was found (it is ${pi.state})`);
    }
    for (let parent = pi.parent_process_instance_key; parent !== null; ) {
      key = parent;
      parent = (this.store.stmt(`SELECT parent_process_instance_key FROM process_instances WHERE key = ?`).get(parent) as { parent_process_instance_key: number | null }).parent_process_instance_key;
    }
    const root = key;
    this.ctx.command('CANCEL_PROCESS_INSTANCE', root, () => {
      this.ctx.lifecycle.terminate(root);
    });
  }

  /** Shutdown: whoever awaits an instance's result is told the engine is going away. */
  close(): void {
    for (const waiters of this.completionWaiters.values()) {
      for (const w of waiters) w.reject(new EngineError('UNAVAILABLE', 'the engine is shutting down'));
    }
    this.completionWaiters.clear();
  }
}
