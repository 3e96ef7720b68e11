/**
 * How a message reaches a user: e-mail, SMS, a government messaging platform … each an adapter
 * behind `Notifier`. pingpin ships the logging adapter only; an operator's adapter is one class.
 */
import type { Logger } from 'pino';

export interface NotifyMessage {
  /** The recipient's username (the adapter looks up the address it needs). */
  to: string;
  subject: string;
  text: string;
  /** What the message counts (e.g. overdue, dueToday, dueSoon), for adapters that log or summarise. */
  counts?: Record<string, number>;
}

export interface Notifier {
  send(message: NotifyMessage): Promise<void>;
}

/**
 * Writes a line per message to the log: the username, the subject and the counts. Never the text:
 * it names tasks and processes, and logs are kept and read more widely than a user's own mailbox.
 */
export class LoggingNotifier implements Notifier {
  constructor(private readonly logger: Pick<Logger, 'info'>) {}

  async send(message: NotifyMessage): Promise<void> {
    this.logger.info({ to: message.to, subject: message.subject, counts: message.counts ?? {} }, 'notification');
  }
}
