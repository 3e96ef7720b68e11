import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../src/registry/index.js';
import { backends, BY, creditCode, enterprise, harness, rejection } from './support.js';

describe.each(backends())('enterprises on $name', (b) => {
  const h = harness(b);

  it('creates an enterprise with defaults and reads it back', async () => {
    const { registry } = await h.fresh();
    const created = await registry.enterprises.create({
      creditCode: creditCode(7).toLowerCase(),
      name: '深圳精密制造有限公司',
      divisionCode: '440305',
      aboveScale: true,
      chainLeader: true,
      selfEvaluationSince: '2021-03-01',
      seniorRecognitionDone: true,
      seniorRecognitionOn: '2023-09-30',
      by: BY,
    });
    expect(created).toMatchObject({
      creditCode: creditCode(7),
      province: '44',
      aboveScale: true,
      large: false,
      provinciallyFiled: false,
      chainLeader: true,
      selfEvaluationSince: '2021-03-01',
      seniorRecognitionDone: true,
      seniorRecognitionOn: '2023-09-30',
      filings: [],
    });
    expect(await registry.enterprises.get(creditCode(7))).toEqual(created);
    expect(await registry.enterprises.get(creditCode(8))).toBeUndefined();
    expect((await registry.enterprises.list({ province: '44' })).map((e) => e.creditCode)).toEqual([creditCode(7)]);
    expect(await registry.enterprises.list({ province: '51' })).toEqual([]);
  });

  it('refuses a second enterprise with the same credit code', async () => {
    const { registry } = await h.fresh();
    await enterprise(registry, 1);
    const err = await rejection(enterprise(registry, 1));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toMatch(/already exists/);
  });

  it('names the field and the rule for bad input', async () => {
    const { registry } = await h.fresh();
    const good = creditCode(3);
    const wrongCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const err = await rejection(
      registry.enterprises.create({
        creditCode: wrongCheck,
        name: '',
        divisionCode: '990000',
        seniorRecognitionDone: true,
        colour: 'red',
        by: BY,
      } as never),
    );
    expect(err).toBeInstanceOf(ValidationError);
    const byField = Object.fromEntries((err as ValidationError).issues.map((i) => [i.field, i.rule]));
    expect(byField.creditCode).toMatch(/check character/);
    expect(byField.name).toMatch(/must not be empty/);
    expect(byField.divisionCode).toMatch(/province code/);
    expect(byField.colour).toMatch(/not a known field/);
    expect(err.message).toMatch(/^enterprises\.create: invalid input: /);

    const missing = await rejection(registry.enterprises.create({ creditCode: good, by: BY } as never));
    expect((missing as ValidationError).issues).toContainEqual({ field: 'name', rule: 'is required (string)' });

    const mismatch = await rejection(registry.enterprises.create({ creditCode: good, name: 'x', divisionCode: '440300', province: '51', by: BY }));
    expect((mismatch as ValidationError).issues).toEqual([{ field: 'province', rule: 'must be the first two digits of divisionCode (44)' }]);

    const noDate = await rejection(registry.enterprises.create({ creditCode: good, name: 'x', divisionCode: '440300', seniorRecognitionDone: true, by: BY }));
    expect((noDate as ValidationError).issues).toEqual([{ field: 'seniorRecognitionOn', rule: 'is required when seniorRecognitionDone is true' }]);

    const badChars = await rejection(registry.enterprises.create({ creditCode: 'ABC', name: 'x', divisionCode: '440300', by: '' }));
    expect((badChars as ValidationError).issues.map((i) => i.field).sort()).toEqual(['by', 'creditCode']);
    expect(await registry.enterprises.list()).toEqual([]);
  });

  it('updates some fields and keeps the rest', async () => {
    const { registry } = await h.fresh();
    const e = await enterprise(registry, 1);
    const updated = await registry.enterprises.update({ creditCode: e.creditCode, large: true, provinciallyFiled: true, by: BY });
    expect(updated).toMatchObject({ name: e.name, aboveScale: true, large: true, provinciallyFiled: true });
    const moved = await registry.enterprises.update({ creditCode: e.creditCode, divisionCode: '510107', by: BY });
    expect(moved.province).toBe('51');
    await expect(registry.enterprises.update({ creditCode: e.creditCode, seniorRecognitionDone: true, by: BY })).rejects.toThrow(
      /seniorRecognitionOn: is required when seniorRecognitionDone is true/,
    );
    await expect(registry.enterprises.update({ creditCode: creditCode(99), name: 'y', by: BY })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('files evaluators per level with the evaluator code rules', async () => {
    const { registry } = await h.fresh();
    const e = await enterprise(registry, 1);
    const t = await registry.enterprises.fileEvaluator({
      creditCode: e.creditCode,
      level: 'T',
      category: 'Y',
      evaluatorCode: '0000',
      siteSerial: '000123',
      authority: 'province',
      filedOn: '2025-01-10',
      by: BY,
    });
    expect(t).toMatchObject({ level: 'T', province: '44', evaluatorKey: 'Y000044000123', status: 'active' });
    const s = await registry.enterprises.fileEvaluator({
      creditCode: e.creditCode,
      level: 'S',
      category: 'Y',
      evaluatorCode: '0417',
      siteSerial: '000123',
      authority: 'mohrss',
      filedOn: '2025-02-01',
      by: BY,
    });
    expect(s.evaluatorKey).toBe('Y041744000123');

    const wrongCode = await rejection(
      registry.enterprises.fileEvaluator({ creditCode: e.creditCode, level: 'T', category: 'Y', evaluatorCode: '0417', siteSerial: '000123', authority: 'province', filedOn: '2025-01-10', by: BY }),
    );
    expect((wrongCode as ValidationError).issues).toEqual([{ field: 'evaluatorCode', rule: "must be '0000' when the filing authority is the province" }]);
    const wrongLevel = await rejection(
      registry.enterprises.fileEvaluator({ creditCode: e.creditCode, level: 'X' as never, category: 'X' as never, evaluatorCode: '12', siteSerial: '1', authority: 'city' as never, filedOn: '2025-02-30', by: BY }),
    );
    expect((wrongLevel as ValidationError).issues.map((i) => i.field).sort()).toEqual(['authority', 'category', 'evaluatorCode', 'filedOn', 'level', 'siteSerial']);

    // Re-filing a level replaces it; suspension is recorded.
    await registry.enterprises.fileEvaluator({ creditCode: e.creditCode, level: 'T', category: 'Y', evaluatorCode: '0000', siteSerial: '000124', authority: 'province', filedOn: '2025-03-01', by: BY });
    await registry.enterprises.setFilingStatus({ creditCode: e.creditCode, level: 'S', status: 'suspended', why: '督导发现问题', by: BY });
    const after = await registry.enterprises.get(e.creditCode);
    expect(after!.filings.map((f) => [f.level, f.siteSerial, f.status])).toEqual([
      ['S', '000123', 'suspended'],
      ['T', '000124', 'active'],
    ]);

    // Another enterprise cannot take the same evaluator site.
    const other = await enterprise(registry, 2);
    await expect(
      registry.enterprises.fileEvaluator({ creditCode: other.creditCode, level: 'T', category: 'Y', evaluatorCode: '0000', siteSerial: '000124', authority: 'province', filedOn: '2025-03-01', by: BY }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(registry.enterprises.setFilingStatus({ creditCode: other.creditCode, level: 'T', status: 'revoked', by: BY })).rejects.toBeInstanceOf(NotFoundError);

    const audit = await registry.audit.list({ entityType: 'enterprise', entityId: e.creditCode });
    expect(audit.map((a) => a.action)).toEqual(['enterprise.created', 'enterprise.evaluator-filed', 'enterprise.evaluator-filed', 'enterprise.evaluator-filed', 'enterprise.filing-status']);
    expect(audit.every((a) => a.actor === BY)).toBe(true);
  });
});
