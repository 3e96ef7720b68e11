/**
 * Camunda user tasks: created with their evaluated assignment, dates, priority and form, then
 * assigned, updated and completed by commands.
 */
import { DateTime } from 'luxon';
import type { Clock } from './clock.js';
import { EngineError } from './errors.js';
import { toJson, type CompiledExpression } from '../feel/index.js';
import type { FlowNode } from './model.js';
import type { Store } from './store.js';
import type { UserTaskChangeset, Variables } from './types.js';
import { IncidentRaised, parseKey, type ElementRow, type UserTaskRow } from './rows.js';
import type { EngineContext } from './context.js';

export class UserTasks {
  private readonly store: Store;
  private readonly clock: Clock;

  constructor(private readonly ctx: EngineContext) {
    this.store = ctx.store;
    this.clock = ctx.clock;
  }

  createUserTask(row: ElementRow, node: FlowNode): void {
    const def = node.userTask!;
    const asString = (e: CompiledExpression | undefined) =>
      e ? (this.ctx.variables.evalExpr(row, e, 'STRING', 'EXTRACT_VALUE_ERROR') as string) : null;
    const asList = (e: CompiledExpression | undefined): string[] => {
      if (!e) return [];
      if (e.isStatic) return e.text.split(',').map((s) => s.trim()).filter(Boolean);
      const v = this.ctx.variables.evalExpr(row, e, 'ARRAY', 'EXTRACT_VALUE_ERROR') as unknown[];
      if (v.every((x) => typeof x === 'string')) return v as string[];
      throw new IncidentRaised(
        'EXTRACT_VALUE_ERROR',
        `Expected result of the expression '${e.text}' to be 'ARRAY' containing 'STRING' items, but was 'ARRAY' containing at least one non-'STRING' item.`,
      );
    };
    const asDate = (e: CompiledExpression | undefined): string | null => {
      if (!e) return null;
      const v = this.ctx.variables.evalExpr(row, e, 'ANY', 'EXTRACT_VALUE_ERROR');
      if (v === null || v === undefined || v === '') return null;
      // A FEEL date-time is formatted in full: toJson cannot tell midnight UTC from a date.
      const text = typeof v === 'string' ? v : DateTime.isDateTime(v) ? v.toISO() : toJson(v);
      if (typeof text !== 'string' || (typeof v !== 'string' && !/^\d{4}-\d{2}-\d{2}T/.test(text))) {
        throw new IncidentRaised('EXTRACT_VALUE_ERROR', `Expected result of the expression '${e.text}' to be one of '[NULL, DATE_TIME, STRING]', but was '${JSON.stringify(toJson(v))}'.`);
      }
      const ms = Date.parse(text);
      if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
        throw new IncidentRaised('EXTRACT_VALUE_ERROR', `Invalid date-time format '${text}' for expression '${e.text}'.`);
      }
      return new Date(ms).toISOString();
    };
    const assignee = asString(def.assignee);
    const candidateGroups = asList(def.candidateGroups);
    const candidateUsers = asList(def.candidateUsers);
    const dueDate = asDate(def.dueDate);
    const followUpDate = asDate(def.followUpDate);
    let priority = 50;
    if (def.priority) {
      const p = this.ctx.variables.evalExpr(row, def.priority, 'NUMBER', 'EXTRACT_VALUE_ERROR') as number;
      if (!Number.isInteger(p) || p < 0 || p > 100) {
        throw new IncidentRaised('EXTRACT_VALUE_ERROR', `Expected priority to be in the range [0,100] but was '${p}'.`);
      }
      priority = p;
    }
    let formKey: number | null = null;
    if (def.formId) {
      const form = this.store.stmt(`SELECT key FROM resources WHERE kind = 'form' AND tenant_id = ? AND resource_id = ? ORDER BY version DESC LIMIT 1`)
        .get(row.tenant_id, def.formId) as { key: number } | undefined;
      if (!form) {
        throw new IncidentRaised(
          'FORM_NOT_FOUND',
          `Expected to find a form with id '${def.formId}', but no form with this id is found, at least a form with this id should be available. To resolve the Incident please deploy a form with the same id`,
        );
      }
      formKey = form.key;
    }
    const externalFormReference = def.externalFormReference ? asString(def.externalFormReference) : null;
    const key = this.store.nextKey();
    const pd = this.store.stmt(`SELECT version FROM resources WHERE key = ?`).get(row.process_definition_key) as { version: number };
    this.store.stmt(
      `INSERT INTO user_tasks (key, state, name, element_id, element_instance_key, process_instance_key, process_definition_key, process_definition_id, process_definition_version,
         assignee, candidate_groups, candidate_users, due_date, follow_up_date, priority, form_key, external_form_reference, custom_headers, creation_date, tenant_id)
       VALUES (?, 'CREATED', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      key,
      node.name ?? null,
      row.element_id,
      row.key,
      row.process_instance_key,
      row.process_definition_key,
      row.process_definition_id,
      pd.version,
      assignee,
      JSON.stringify(candidateGroups),
      JSON.stringify(candidateUsers),
      dueDate,
      followUpDate,
      priority,
      formKey,
      externalFormReference,
      JSON.stringify(def.headers),
      this.clock.now(),
      row.tenant_id,
    );
    this.ctx.elements.setRuntime(row.key, { ...this.ctx.elements.runtime(row), userTaskKey: key });
  }

  private userTask(userTaskKey: string, action: string): UserTaskRow {
    const key = parseKey('User task', userTaskKey);
    const task = this.store.stmt(`SELECT * FROM user_tasks WHERE key = ?`).get(key) as UserTaskRow | undefined;
    if (!task) throw new EngineError('NOT_FOUND', `Expected to ${action} user task with key '${userTaskKey}', but no such user task was found`);
    if (task.state !== 'CREATED') {
      throw new EngineError('INVALID_STATE', `Expected to ${action} user task with key '${userTaskKey}', but it is in state '${task.state}'`);
    }
    return task;
  }

  assignUserTask(userTaskKey: string, assignee: string, allowOverride = true): void {
    const task = this.userTask(userTaskKey, 'assign');
    if (!allowOverride && task.assignee && task.assignee !== assignee) {
      throw new EngineError('INVALID_STATE', `Expected to claim user task with key '${userTaskKey}', but it has already been assigned`, 'CLAIM');
    }
    this.ctx.command('ASSIGN_USER_TASK', task.key, () => {
      this.store.stmt(`UPDATE user_tasks SET assignee = ? WHERE key = ?`).run(assignee, task.key);
    });
  }

  unassignUserTask(userTaskKey: string): void {
    const task = this.userTask(userTaskKey, 'unassign');
    this.ctx.command('UNASSIGN_USER_TASK', task.key, () => {
      this.store.stmt(`UPDATE user_tasks SET assignee = NULL WHERE key = ?`).run(task.key);
    });
  }

  updateUserTask(userTaskKey: string, changeset: UserTaskChangeset): void {
    const task = this.userTask(userTaskKey, 'update');
    const date = (field: string, v: string | null | undefined): string | null | undefined => {
      if (v === undefined || v === null || v === '') return v === '' ? null : v;
      const ms = Date.parse(v);
      if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(v)) {
        throw new EngineError('INVALID_ARGUMENT', `changeset.${field}: expected an ISO 8601 date-time, but was '${v}'`);
      }
      return new Date(ms).toISOString();
    };
    const dueDate = date('dueDate', changeset.dueDate);
    const followUpDate = date('followUpDate', changeset.followUpDate);
    if (changeset.priority !== undefined && changeset.priority !== null && (!Number.isInteger(changeset.priority) || changeset.priority < 0 || changeset.priority > 100)) {
      throw new EngineError('INVALID_ARGUMENT', `changeset.priority: must be an integer between 0 and 100, but was ${changeset.priority}`);
    }
    this.ctx.command('UPDATE_USER_TASK', task.key, () => {
      const set = (column: string, value: unknown) => this.store.stmt(`UPDATE user_tasks SET ${column} = ? WHERE key = ?`).run(value, task.key);
      if (dueDate !== undefined) set('due_date', dueDate);
      if (followUpDate !== undefined) set('follow_up_date', followUpDate);
      if (changeset.candidateGroups !== undefined) set('candidate_groups', JSON.stringify(changeset.candidateGroups ?? []));
      if (changeset.candidateUsers !== undefined) set('candidate_users', JSON.stringify(changeset.candidateUsers ?? []));
      if (changeset.priority !== undefined) set('priority', changeset.priority ?? 50);
    });
  }

  completeUserTask(userTaskKey: string, variables: Variables = {}): void {
    const task = this.userTask(userTaskKey, 'complete');
    this.ctx.command('COMPLETE_USER_TASK', task.key, () => {
      this.store.stmt(`UPDATE user_tasks SET state = 'COMPLETED', completion_date = ? WHERE key = ?`).run(this.clock.now(), task.key);
      this.ctx.lifecycle.completeWaitState(task.element_instance_key, variables);
    });
  }
}
