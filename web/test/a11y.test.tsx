// @vitest-environment jsdom
/** antd's English icon names hidden, icon-only controls named in Chinese. */
import { describe, expect, it } from 'vitest';
import { fixAntdA11y } from '../src/shared/layout/a11y';

describe('fixAntdA11y', () => {
  it('hides icons and names the clear buttons', () => {
    const div = document.createElement('div');
    div.innerHTML =
      '<button class="ant-input-clear-icon"><span role="img" aria-label="close-circle" class="anticon"></span></button>' +
      '<span class="ant-select-clear" aria-label="Clear"></span><button aria-label="放大流程图"><span role="img" aria-label="zoom-in" class="anticon"></span></button>';
    fixAntdA11y(div);
    expect(div.querySelectorAll('.anticon[aria-hidden="true"]').length).toBe(2);
    expect(div.querySelector('.ant-input-clear-icon')!.getAttribute('aria-label')).toBe('清除');
    expect(div.querySelector('.ant-select-clear')!.getAttribute('aria-label')).toBe('清除');
    expect(div.querySelector('button[aria-label="放大流程图"]')).not.toBeNull();
  });
});
