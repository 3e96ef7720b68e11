/**
 * antd's icons are <span role="img" aria-label="down|left|close|…">: English names that screen
 * readers read out next to the Chinese label of the control around them. Every icon in these pages
 * is decorative (each control has its own Chinese name), so they are hidden from assistive
 * technology; the few antd controls whose only content is an icon, or whose name antd hard-codes in
 * English, get a Chinese name. Applied to whatever antd renders, now and later.
 */
const NAMES: [selector: string, name: string][] = [
  ['.ant-input-clear-icon', '清除'],
  ['.ant-select-clear', '清除'],
  ['.ant-picker-clear', '清除'],
  ['.ant-tabs-nav-more', '更多'],
];

const ENGLISH: Record<string, string> = { Clear: '清除', Close: '关闭', 'Select all': '全选' };

export function fixAntdA11y(node: ParentNode): void {
  node.querySelectorAll('.anticon[role="img"]:not([aria-hidden])').forEach((icon) => icon.setAttribute('aria-hidden', 'true'));
  for (const [selector, name] of NAMES) {
    node.querySelectorAll(selector).forEach((el) => {
      const current = el.getAttribute('aria-label');
      if (!current || ENGLISH[current]) el.setAttribute('aria-label', name);
    });
  }
  node.querySelectorAll('[aria-label="Clear"], [aria-label="Close"], [aria-label="Select all"]').forEach((el) => el.setAttribute('aria-label', ENGLISH[el.getAttribute('aria-label')!]!));
}

export function hideDecorativeIcons(root: HTMLElement): () => void {
  fixAntdA11y(root);
  let scheduled = false;
  const observer = new MutationObserver(() => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      fixAntdA11y(root);
    });
  });
  observer.observe(root, { childList: true, subtree: true });
  return () => observer.disconnect();
}
