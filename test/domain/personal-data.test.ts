/**
 * Finding and masking personal data in free text and contact fields (src/domain/personal-data.ts):
 * what the intake stores masked and what the workers refuse in a message.
 */
import { describe, expect, it } from 'vitest';
import { findPersonalData, findPersonalDataIn, maskContact, maskEmail, maskName, maskPersonalData } from '../../src/domain/personal-data.js';

describe('personal data in text', () => {
  it('finds mobile and landline numbers, e-mail addresses and ID numbers, in order', () => {
    const text = '电话13800138000，邮箱13800138000@139.com，身份证 44010619800101123X，座机 010-12345678';
    expect(findPersonalData(text).map((h) => [h.kind, h.value])).toEqual([
      ['mobile', '13800138000'],
      ['email', '13800138000@139.com'],
      ['idNumber', '44010619800101123X'],
      ['landline', '010-12345678'],
    ]);
  });

  it('leaves alone what only looks like one: credit codes, certificate codes, longer digit runs, dates, masked forms', () => {
    for (const text of ['信用代码 913205001377104686', '证书 Y00004400010126T000001', '订单 213800138000', '2026-10-09', '138****5678', '4401**********123X']) {
      expect(findPersonalData(text), text).toEqual([]);
    }
  });

  it('masks each as it may be shown, keeping the rest of the text', () => {
    expect(maskPersonalData('请回电 13912345678 或 010-12345678，邮件 li.si@example.cn，身份证 44010619800101123x。')).toBe(
      '请回电 139****5678 或 010****5678，邮件 l***@example.cn，身份证 4401**********123X。',
    );
    expect(maskEmail('zhang@example.com')).toBe('z***@example.com');
  });

  it('masks a contact of any form and a name', () => {
    expect(maskContact('13800138000')).toBe('138****8000');
    expect(maskContact(' zhang@example.com ')).toBe('z***@example.com');
    expect(maskContact('微信 zhang_san_1990')).toBe('微信 ****1990');
    expect(maskContact('qq')).toBe('q***');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('王建国')).toBe('王**');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('车间职工张某')).toBe('车***');
    expect(maskName('丙')).toBe('*');
  });

  it('finds the first personal data in a JSON-like value, with its path', () => {
    expect(findPersonalDataIn({ a: [{ b: 'x' }, { c: '回电 13912345678' }] })).toEqual({ kind: 'mobile', value: '13912345678', index: 3, path: ['a', 1, 'c'] });
    expect(findPersonalDataIn({ ref: 'r', contactMasked: '139****5678', n: 1, ok: true, none: null })).toBeUndefined();
  });
});
