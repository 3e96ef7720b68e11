/**
 * RFC 9457 problems from /v2 (Camunda 8.8: English titles and details) and from pingpin's additions
 * (Chinese details), turned into one Chinese sentence for the clerk.
 */
import type { ProblemDetail } from '@camunda8/orchestration-cluster-api';

/** One field a server-side validation refused (pingpin's extension of the 8.8 problem). */
export interface ProblemField {
  name: string;
  label?: string;
  message: string;
}

/** 8.8's ProblemDetail, plus pingpin's `fields`. */
export type Problem = Partial<Omit<ProblemDetail, 'status'>> & { status?: number; fields?: ProblemField[] };

const HAN = /[\u3400-\u9fff]/;

/** An answer >= 400. `nonRetryable` tells the official client's retry loop not to try again. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  readonly title: string | undefined;
  readonly detail: string | undefined;
  readonly nonRetryable = true;
  /** The page is already on its way to /login: say nothing. */
  readonly redirecting: boolean;

  constructor(status: number, problem: Problem, redirecting = false) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.title = problem.title;
    this.detail = problem.detail;
    this.redirecting = redirecting;
  }

  get fields(): ProblemField[] {
    return Array.isArray(this.problem.fields) ? this.problem.fields : [];
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

/** The Chinese part of a detail, if it has one (pingpin writes "中文 / English" for some). */
export function chinesePart(text: string | undefined): string | undefined {
  if (!text || !HAN.test(text)) return undefined;
  const slash = text.indexOf(' / ');
  if (slash > 0 && HAN.test(text.slice(0, slash)) && !HAN.test(text.slice(slash + 3))) return text.slice(0, slash).trim();
  return text.trim();
}

export function messageForStatus(status: number): string {
  if (status === 400) return '提交的数据无效，请检查后重试';
  if (status === 401) return '登录已过期，请重新登录';
  if (status === 403) return '无权执行此操作';
  if (status === 404) return '未找到（可能已被他人办理或已结束）';
  if (status === 409) return '状态已变化，请刷新';
  if (status === 413) return '提交的内容过大';
  if (status === 429) return '请求过于频繁，请稍后重试';
  if (status >= 500) return '服务器错误，请稍后重试';
  return `请求失败（${status}）`;
}

export const NETWORK_ERROR = '网络连接失败';

/** Whatever went wrong, as a sentence in Chinese. */
export function chineseMessage(err: unknown): string {
  if (err instanceof ApiError) {
    return chinesePart(err.detail) ?? chinesePart(err.title) ?? messageForStatus(err.status);
  }
  if (err && typeof err === 'object') {
    const e = err as { status?: unknown; detail?: unknown; title?: unknown; name?: unknown; message?: unknown };
    if (typeof e.status === 'number') {
      return chinesePart(typeof e.detail === 'string' ? e.detail : undefined) ?? messageForStatus(e.status);
    }
    if (e.name === 'TypeError' || e.name === 'AbortError' || (typeof e.message === 'string' && /fetch|network/i.test(e.message))) return NETWORK_ERROR;
    if (typeof e.message === 'string' && HAN.test(e.message)) return e.message;
  }
  return '操作失败，请稍后重试';
}
