/**
 * Message and signal correlation: publishing (with buffering by time to live), correlating a
 * message to waiting subscriptions and message start events, buffered messages meeting a newly
 * opened subscription, and signal broadcasts.
 */
import type { Clock } from './clock.js';
import { EngineError } from './errors.js';
import type { Store } from './store.js';
import type { BroadcastSignalRequest, BroadcastSignalResponse, CorrelateMessageRequest, CorrelateMessageResponse, PublishMessageRequest, PublishMessageResponse, Variables } from './types.js';
import { DEFAULT_TENANT, type SubscriptionRow, type MessageRow, type DefinitionRow } from './rows.js';
import type { EngineContext } from './context.js';

export class Correlation {
  private readonly store: Store;
  private readonly clock: Clock;

  constructor(private readonly ctx: EngineContext) {
    this.store = ctx.store;
    this.clock = ctx.clock;
  }

  publishMessage(request: PublishMessageRequest): PublishMessageResponse {
    const tenantId = request.tenantId ?? DEFAULT_TENANT;
    const ttl = request.timeToLive ?? 0;
    if (request.messageId) {
      const duplicate = this.store
        .stmt(`SELECT 1 FROM messages WHERE name = ? AND correlation_key = ? AND message_id = ? AND tenant_id = ? AND expires_at > ?`)
        .get(request.name, request.correlationKey ?? '', request.messageId, tenantId, this.clock.now());
      if (duplicate) {
        throw new EngineError(
          'ALREADY_EXISTS',
          `Expected to publish a new message with id '${request.messageId}', but a message with that id was already published`,
          'PUBLISH',
        );
      }
    }
    return this.ctx.command('PUBLISH_MESSAGE', null, () => {
      const key = this.store.nextKey();
      const correlatedTo = this.correlate(request.name, request.correlationKey ?? '', request.variables ?? {}, tenantId, false);
      if (ttl > 0) {
        this.store
          .stmt(
            `INSERT INTO messages (key, name, correlation_key, message_id, variables, expires_at, correlated, tenant_id, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(key, request.name, request.correlationKey ?? '', request.messageId ?? null, JSON.stringify(request.variables ?? {}), this.clock.now() + ttl, JSON.stringify(correlatedTo.processIds), tenantId, this.clock.now());
      }
      return { messageKey: String(key), tenantId };
    });
  }

  correlateMessage(request: CorrelateMessageRequest): CorrelateMessageResponse {
    const tenantId = request.tenantId ?? DEFAULT_TENANT;
    return this.ctx.command('CORRELATE_MESSAGE', null, () => {
      const key = this.store.nextKey();
      const result = this.correlate(request.name, request.correlationKey ?? '', request.variables ?? {}, tenantId, true);
      if (result.processInstanceKey === undefined) {
        throw new EngineError(
          'NOT_FOUND',
          `Expected to find subscription for message with name '${request.name}' and correlation key '${request.correlationKey ?? ''}', but none was found.`,
          'CORRELATE',
        );
      }
      return { messageKey: String(key), tenantId, processInstanceKey: String(result.processInstanceKey) };
    });
  }

  /**
   * Correlates a message to every waiting subscription with its name and correlation key — at most
   * once per process instance — and starts the processes whose latest version has a matching
   * message start event, unless one started by the same correlation key is still active.
   */
  private correlate(name: string, correlationKey: string, variables: Variables, tenantId: string, onlyFirst: boolean): { processIds: string[]; processInstanceKey?: number } {
    const subs = this.store
      .stmt(`SELECT * FROM subscriptions WHERE kind = 'message' AND name = ? AND correlation_key = ? AND tenant_id = ? ORDER BY key`)
      .all(name, correlationKey, tenantId) as SubscriptionRow[];
    const seen = new Set<number>();
    const processIds = new Set<string>();
    let first: number | undefined;
    for (const sub of subs) {
      if (seen.has(sub.process_instance_key!)) continue;
      seen.add(sub.process_instance_key!);
      processIds.add(sub.process_definition_id);
      first ??= sub.process_instance_key!;
      this.ctx.subscriptions.trigger(sub, variables);
      if (onlyFirst) return { processIds: [...processIds], processInstanceKey: first };
    }
    const starts = this.store
      .stmt(`SELECT * FROM subscriptions WHERE kind = 'message' AND role = 'start' AND name = ? AND tenant_id = ? ORDER BY key`)
      .all(name, tenantId) as SubscriptionRow[];
    for (const start of starts) {
      const running = correlationKey !== '' && this.store
        .stmt(`SELECT 1 FROM process_instances WHERE process_definition_id = ? AND state = 'ACTIVE' AND message_correlation_key = ? AND tenant_id = ?`)
        .get(start.process_definition_id, correlationKey, tenantId);
      if (running) continue;
      const def = this.store.stmt(`SELECT * FROM resources WHERE key = ?`).get(start.process_definition_key) as DefinitionRow;
      const piKey = this.ctx.instances.startInstance(def, variables, { startAt: start.catch_element_id, messageCorrelationKey: correlationKey || undefined });
      processIds.add(start.process_definition_id);
      first ??= piKey;
      if (onlyFirst) break;
    }
    return { processIds: [...processIds], processInstanceKey: first };
  }

  /** Correlates the oldest live buffered message to a subscription that has just opened. */
  correlateBuffered(subscriptionKey: number): void {
    const sub = this.store.stmt(`SELECT * FROM subscriptions WHERE key = ?`).get(subscriptionKey) as SubscriptionRow | undefined;
    if (!sub || sub.kind !== 'message') return;
    const messages = this.store
      .stmt(`SELECT * FROM messages WHERE name = ? AND correlation_key = ? AND tenant_id = ? AND expires_at > ? ORDER BY key`)
      .all(sub.name, sub.correlation_key, sub.tenant_id, this.clock.now()) as MessageRow[];
    for (const message of messages) {
      const correlated = JSON.parse(message.correlated) as string[];
      if (correlated.includes(sub.process_definition_id)) continue;
      correlated.push(sub.process_definition_id);
      this.store.stmt(`UPDATE messages SET correlated = ? WHERE key = ?`).run(JSON.stringify(correlated), message.key);
      this.ctx.subscriptions.trigger(sub, JSON.parse(message.variables) as Variables);
      return;
    }
  }

  broadcastSignal(request: BroadcastSignalRequest): BroadcastSignalResponse {
    const tenantId = request.tenantId ?? DEFAULT_TENANT;
    return this.ctx.command('BROADCAST_SIGNAL', null, () => {
      const key = this.store.nextKey();
      this.broadcast(request.signalName, request.variables ?? {}, tenantId);
      return { signalKey: String(key), tenantId };
    });
  }

  /** Triggers every signal subscription with the name, and the signal start events. */
  broadcast(name: string, variables: Variables, tenantId: string): void {
    const subs = this.store
      .stmt(`SELECT * FROM subscriptions WHERE kind = 'signal' AND name = ? AND tenant_id = ? ORDER BY key`)
      .all(name, tenantId) as SubscriptionRow[];
    for (const sub of subs) {
      // An earlier trigger in this broadcast may have closed this one (e.g. by interrupting its owner).
      if (!this.store.stmt(`SELECT 1 FROM subscriptions WHERE key = ?`).get(sub.key)) continue;
      this.ctx.subscriptions.trigger(sub, variables);
    }
  }
}
