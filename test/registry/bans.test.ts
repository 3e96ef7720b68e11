import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../src/registry/index.js';
import { backends, BY, creditCode, harness, idNumber, rejection } from './support.js';

describe.each(backends())('bans on $name', (b) => {
  const h = harness(b);

  it('bans a person for five years from the decision and disqualifies the whole year of it', async () => {
    const { registry, store } = await h.fresh();
    const person = idNumber(41, '19820707');
    const ban = await registry.bans.record({ subject: 'person', idNumber: person, reason: '伪造业绩材料', basis: '002 七(四)', decidedOn: '2026-03-15', by: 'province-44' });
    expect(ban).toMatchObject({ subject: 'person', idNumber: `${person.slice(0, 4)}**********${person.slice(14)}`, creditCode: null, decidedOn: '2026-03-15', until: '2031-03-15', disqualifiedYear: 2026 });
    expect(JSON.stringify(await h.raw(store, 'SELECT * FROM bans'))).not.toContain(person);

    const at = async (asOf: string) => (await registry.bans.active({ idNumber: person, asOf })).map((x) => x.effect);
    expect(await at('2025-12-31')).toEqual([]);
    expect(await at('2026-01-01')).toEqual(['disqualified-this-year']);
    expect(await at('2026-03-14')).toEqual(['disqualified-this-year']);
    expect(await at('2026-03-15')).toEqual(['banned']);
    expect(await at('2031-03-14')).toEqual(['banned']); // the day before the 5-year end
    expect(await at('2031-03-15')).toEqual([]); // the end: free again
    expect(await at('2031-03-16')).toEqual([]); // the day after
    expect(await registry.bans.active({ idNumber: idNumber(42), asOf: '2027-01-01' })).toEqual([]);
  });

  it('bans an enterprise by credit code, and ends five years on 28 February for a 29 February decision', async () => {
    const { registry } = await h.fresh();
    const code = creditCode(5);
    const ban = await registry.bans.record({ subject: 'enterprise', creditCode: code, reason: '组织弄虚作假', basis: '003 六(四)', decidedOn: '2028-02-29', by: BY });
    expect(ban.until).toBe('2033-02-28');
    expect((await registry.bans.active({ creditCode: code, asOf: '2033-02-27' })).length).toBe(1);
    expect(await registry.bans.active({ creditCode: code, asOf: '2033-02-28' })).toEqual([]);

    // Asking for a person and the enterprise gives both.
    const person = idNumber(43);
    await registry.bans.record({ subject: 'person', idNumber: person, reason: 'x', basis: '003 六(四)', decidedOn: '2029-06-01', by: BY });
    const both = await registry.bans.active({ idNumber: person, creditCode: code, asOf: '2030-01-01' });
    expect(both.map((x) => x.subject)).toEqual(['enterprise', 'person']);
  });

  it('lifts a ban from a date', async () => {
    const { registry } = await h.fresh();
    const person = idNumber(44);
    const ban = await registry.bans.record({ subject: 'person', idNumber: person, reason: 'x', basis: '002 七(四)', decidedOn: '2026-05-01', by: BY });
    await expect(registry.bans.lift({ id: ban.id, reason: '复核撤销', liftedOn: '2026-04-01', by: BY })).rejects.toThrow(/liftedOn: must not be before the decision/);
    const lifted = await registry.bans.lift({ id: ban.id, reason: '复核撤销', liftedOn: '2026-09-01', by: BY });
    expect(lifted.liftedOn).toBe('2026-09-01');
    expect((await registry.bans.active({ idNumber: person, asOf: '2026-08-31' })).length).toBe(1);
    expect(await registry.bans.active({ idNumber: person, asOf: '2026-09-01' })).toEqual([]);
    await expect(registry.bans.lift({ id: ban.id, reason: 'again', liftedOn: '2026-09-02', by: BY })).rejects.toBeInstanceOf(ConflictError);
    expect(await registry.bans.get(ban.id)).toEqual(lifted);
  });

  it('names the field and the rule for bad input', async () => {
    const { registry } = await h.fresh();
    const noSubject = await rejection(registry.bans.active({ asOf: '2026-01-01' }));
    expect((noSubject as ValidationError).issues).toEqual([{ field: 'idNumber', rule: 'idNumber or creditCode is required' }]);
    const badDate = await rejection(registry.bans.active({ creditCode: creditCode(1), asOf: '2026-13-01' }));
    expect((badDate as ValidationError).issues).toEqual([{ field: 'asOf', rule: 'must be a date YYYY-MM-DD' }]);
    const wrongSubject = await rejection(registry.bans.record({ subject: 'city', reason: 'x', basis: '002 七(四)', decidedOn: '2026-01-01', by: BY } as never));
    expect((wrongSubject as ValidationError).issues[0]!.rule).toMatch(/subject must be 'person'/);
    const missing = await rejection(registry.bans.record({ subject: 'person', reason: 'x', basis: '007', decidedOn: '2026-01-01', by: BY } as never));
    expect((missing as ValidationError).issues.map((i) => i.field).sort()).toEqual(['basis', 'idNumber']);
  });
});
