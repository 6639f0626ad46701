// The donations feature panel: one row per enabled service (StreamElements, Streamlabs, DonationAlerts)
// with its connection state in the page's language, the detail that says what to fix (which env var
// holds a refused token), and its figures.
import { t, type MessageKey } from '../shared/i18n.ts';
import type { StatusEntry } from '../shared/protocol-types.ts';
import { registerFeaturePanel } from './feature-panels.ts';

const LABELS: Readonly<Record<string, string>> = { streamelements: 'StreamElements', streamlabs: 'Streamlabs', donationalerts: 'DonationAlerts' };
const STATES = new Set(['connected', 'connecting', 'reconnecting', 'unauthorized', 'not_configured', 'stopped']);

interface ServiceInfo {
  state?: unknown;
  detail?: unknown;
  received?: unknown;
  queued?: unknown;
  duplicates?: unknown;
  reconnects?: unknown;
  lastDonationAt?: unknown;
}

function cell(tag: 'th' | 'td', text: string): HTMLElement {
  const el = document.createElement(tag);
  el.textContent = text;
  return el;
}

function stateLabel(state: string): string {
  return STATES.has(state) ? t(`don.state.${state}` as MessageKey) : state;
}

function renderDonations(el: HTMLElement, entry: StatusEntry): void {
  const services = (entry.info?.services ?? {}) as Record<string, ServiceInfo>;
  const names = Object.keys(services);
  if (names.length === 0) {
    const p = document.createElement('p');
    p.textContent = t('don.none');
    el.replaceChildren(p);
    return;
  }
  const table = document.createElement('table');
  table.dataset.donations = 'services';
  const head = document.createElement('tr');
  head.append(...['don.service', 'don.state', 'don.received', 'don.queued', 'don.duplicates', 'don.reconnects', 'don.last'].map((k) => cell('th', t(k as MessageKey))));
  table.append(head);
  const details = document.createElement('ul');
  for (const name of names) {
    const s = services[name] ?? {};
    const state = String(s.state ?? '');
    const tr = document.createElement('tr');
    tr.dataset.service = name;
    tr.dataset.state = state;
    const last = typeof s.lastDonationAt === 'string' ? new Date(s.lastDonationAt).toLocaleTimeString() : '—';
    tr.append(cell('td', LABELS[name] ?? name), cell('td', stateLabel(state)), ...[s.received, s.queued, s.duplicates, s.reconnects].map((v) => cell('td', String(Number(v ?? 0)))), cell('td', last));
    table.append(tr);
    if (state !== 'connected' && typeof s.detail === 'string' && s.detail) {
      const li = document.createElement('li');
      li.dataset.service = name;
      li.textContent = s.detail;
      details.append(li);
    }
  }
  el.replaceChildren(table, details);
}

registerFeaturePanel({ id: 'donations', title: 'panel.donations', statusNames: ['donations'], render: renderDonations });
