// @vitest-environment jsdom
/** A refused completion's field errors, placed on the form-js field (and repetition) they name. */
import { describe, expect, it } from 'vitest';
import { parseFieldName, placeServerErrors, type KeyedFieldInstance } from '../src/shared/forms/serverErrors';

describe('placeServerErrors', () => {
  const instances: KeyedFieldInstance[] = [
    { id: 'Field_score', valuePath: ['itemScores', 0, 'score'], indexes: { List_itemScores: 0 } },
    { id: 'Field_score', valuePath: ['itemScores', 1, 'score'], indexes: { List_itemScores: 1 } },
    { id: 'Field_comment', valuePath: ['comment'], indexes: {} },
    { id: 'Field_city', valuePath: ['address', 'city'] },
  ];

  it('parses names with indexes and dots', () => {
    expect(parseFieldName('itemScores[0].score')).toEqual(['itemScores', 0, 'score']);
    expect(parseFieldName('a.b[12][3].c')).toEqual(['a', 'b', 12, 3, 'c']);
  });

  it('keys errors by field id and repetition, as form-js does; unknown names are returned', () => {
    const { errors, unplaced } = placeServerErrors(
      [
        { name: 'itemScores[1].score', label: '得分', message: '不能大于 100' },
        { name: 'comment', message: '请填写评审意见' },
        { name: 'address.city', message: '请选择城市' },
        { name: 'notOnTheForm', label: '其他', message: '不允许' },
      ],
      instances,
    );
    expect(errors).toEqual({ Field_score: { 1: ['不能大于 100'] }, Field_comment: ['请填写评审意见'], Field_city: ['请选择城市'] });
    expect(unplaced).toEqual([{ name: 'notOnTheForm', label: '其他', message: '不允许' }]);
  });
});
