import { t } from './i18n.ts';
import { createLogger } from './logger.ts';
import { showToast } from './toast.ts';

const log = createLogger('page');

/** Only the error's type and a code-like name are logged or shown: messages may carry user text. */
function describe(reason: unknown): { name: string; code?: string } {
  if (reason instanceof Error) {
    const code = (reason as Error & { code?: unknown }).code;
    return { name: reason.name, ...(typeof code === 'string' ? { code: code.slice(0, 40) } : {}) };
  }
  return { name: typeof reason };
}

/** Logs uncaught errors and rejected promises, and shows a toast without personal data. */
export function installErrorHandlers(): void {
  window.addEventListener('error', (ev) => {
    const d = describe(ev.error);
    const file = typeof ev.filename === 'string' ? ev.filename.split('/').pop() ?? '' : '';
    log.error('page.uncaught_error', { name: d.name, code: d.code ?? null, file, line: ev.lineno ?? 0 });
    showToast(t('toast.error'), 'error');
  });
  window.addEventListener('unhandledrejection', (ev) => {
    const d = describe(ev.reason);
    log.error('page.unhandled_rejection', { name: d.name, code: d.code ?? null });
    showToast(t('toast.error'), 'error');
  });
}
