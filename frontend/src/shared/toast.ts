// Short notices in a corner of the page; they never contain user text.
const MAX_TOASTS = 4;

export type ToastKind = 'info' | 'warn' | 'error';

export function showToast(text: string, kind: ToastKind = 'info', ms = 5000): void {
  let box = document.getElementById('toasts');
  if (!box) {
    box = document.createElement('div');
    box.id = 'toasts';
    box.className = 'toasts';
    box.setAttribute('role', 'status');
    document.body.append(box);
  }
  while (box.childElementCount >= MAX_TOASTS) box.firstElementChild?.remove();
  const el = document.createElement('div');
  el.className = `toast toast-${kind}`;
  el.textContent = text;
  box.append(el);
  window.setTimeout(() => el.remove(), ms);
}
