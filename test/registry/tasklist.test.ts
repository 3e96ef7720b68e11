import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../src/registry/index.js';
import { backends, harness } from './support.js';

describe.each(backends())('tasklist records on $name', (b) => {
  const h = harness(b);

  it('keeps comments of a task in order, audited without their text', async () => {
    const { registry } = await h.fresh();
    const a = await registry.taskComments.add({ userTaskKey: '2251799813685260', processInstanceKey: '2251799813685255', authorName: '林福州', text: ' 缺社保证明 ', by: 'tl_fuzhou' });
    await registry.taskComments.add({ userTaskKey: '2251799813685260', authorName: '陈', text: '已通知', by: 'tl_chen' });
    await registry.taskComments.add({ userTaskKey: '2251799813685261', authorName: '陈', text: '另一任务', by: 'tl_chen' });
    expect(a).toMatchObject({ userTaskKey: '2251799813685260', processInstanceKey: '2251799813685255', author: 'tl_fuzhou', authorName: '林福州', text: '缺社保证明' });
    expect((await registry.taskComments.list('2251799813685260')).map((c) => c.text)).toEqual(['缺社保证明', '已通知']);
    const audit = await registry.audit.list({ entityType: 'task-comment' });
    expect(audit).toHaveLength(3);
    expect(JSON.stringify(audit)).not.toContain('社保');
    await expect(registry.taskComments.add({ userTaskKey: '1', authorName: 'x', text: '  ', by: 'x' })).rejects.toBeInstanceOf(ValidationError);
    await expect(registry.taskComments.add({ userTaskKey: '1', authorName: 'x', text: 'x'.repeat(2001), by: 'x' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('keeps filters per owner, names unique per owner', async () => {
    const { registry } = await h.fresh();
    const f = await registry.taskFilters.save({ name: '待办', filter: { state: 'CREATED' }, by: 'li' });
    await registry.taskFilters.save({ name: '待办', filter: {}, by: 'chen' });
    await expect(registry.taskFilters.save({ name: '待办', filter: {}, by: 'li' })).rejects.toBeInstanceOf(ConflictError);
    await expect(registry.taskFilters.update({ id: f.id, name: 'x', filter: {}, by: 'chen' })).rejects.toBeInstanceOf(NotFoundError);
    expect(await registry.taskFilters.update({ id: f.id, name: '我的待办', filter: { a: 1 }, by: 'li' })).toMatchObject({ id: f.id, name: '我的待办', filter: { a: 1 } });
    expect((await registry.taskFilters.list('li')).map((x) => x.name)).toEqual(['我的待办']);
    await expect(registry.taskFilters.remove({ id: f.id, by: 'chen' })).rejects.toBeInstanceOf(NotFoundError);
    await registry.taskFilters.remove({ id: f.id, by: 'li' });
    expect(await registry.taskFilters.list('li')).toEqual([]);
    await expect(registry.taskFilters.save({ name: 'big', filter: { x: 'y'.repeat(5000) }, by: 'li' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('keeps when notifications were seen and the day of the last digest', async () => {
    const { registry } = await h.fresh();
    expect(await registry.tasklistUsers.get('li')).toEqual({ notificationsSeenAt: null, digestSentOn: null });
    const at = await registry.tasklistUsers.markSeen('li');
    expect(await registry.tasklistUsers.recordDigestSent({ username: 'li', on: '2026-03-02', by: 'pingpin-digest' })).toBe(true);
    expect(await registry.tasklistUsers.recordDigestSent({ username: 'li', on: '2026-03-02', by: 'pingpin-digest' })).toBe(false);
    expect(await registry.tasklistUsers.get('li')).toEqual({ notificationsSeenAt: at, digestSentOn: '2026-03-02' });
  });
});
