// The admin panel's character section: switch live, and create, edit, duplicate or delete character cards.
import { t } from '../shared/i18n.ts';
import { createLogger } from '../shared/logger.ts';
import type { ServerMessage } from '../shared/protocol-types.ts';
import { adminJson, adminSend } from './admin-api.ts';

const log = createLogger('admin.characters');

interface CharacterEntry {
  name: string;
  valid: boolean;
  displayName?: string;
  language?: string;
  avatar?: string;
  error?: string;
}

interface CardReply {
  name: string;
  yaml: string;
  card: Record<string, unknown>;
  active?: boolean;
}

interface Refusal {
  error?: { code?: string; message?: string };
}

/** Quick fields of a card; everything else is edited in the YAML (comments stay either way). */
const FIELDS = ['display_name', 'language', 'description', 'avatar', 'greeting'] as const;

export class CharactersPanel {
  private active = '';
  private loadedYaml = '';
  private loadedCard: Record<string, unknown> = {};
  private mode: 'edit' | 'new' | 'duplicate' = 'edit';

  constructor(
    private readonly root: HTMLElement,
    private readonly token: () => string,
  ) {
    this.el<HTMLFormElement>('char-switch').addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.switchTo(this.el<HTMLSelectElement>('char-select').value, this.el<HTMLSelectElement>('char-queue').value as 'keep' | 'clear');
    });
    this.el('card-edit').addEventListener('click', () => void this.openCard('edit'));
    this.el('card-new').addEventListener('click', () => void this.openCard('new'));
    this.el('card-duplicate').addEventListener('click', () => void this.openCard('duplicate'));
    this.el('card-delete').addEventListener('click', () => void this.deleteSelected());
    this.el<HTMLFormElement>('card-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.save();
    });
  }

  private el<T extends HTMLElement = HTMLElement>(id: string): T {
    return this.root.querySelector(`#${id}`) as T;
  }

  private get selected(): string {
    return this.el<HTMLSelectElement>('char-select').value;
  }

  /** Reloads the character list (valid ones can be switched to; broken ones show their error). */
  async refresh(): Promise<void> {
    const list = await adminJson<{ active: string; characters: CharacterEntry[] }>('/admin/characters', this.token());
    this.active = list.active;
    const select = this.el<HTMLSelectElement>('char-select');
    const keep = select.value;
    select.replaceChildren(
      ...list.characters.map((c) => {
        const o = document.createElement('option');
        o.value = c.name;
        o.textContent = c.valid ? `${c.displayName ?? c.name} (${c.name}, ${c.language ?? '?'})${c.name === list.active ? ' ●' : ''}` : `${c.name}: ${t('admin.character_broken')}`;
        // A broken file stays selectable: switching to it shows the refusal with its line.
        o.dataset.valid = String(c.valid);
        if (c.error) o.title = c.error;
        return o;
      }),
    );
    select.value = list.characters.some((c) => c.name === keep) ? keep : list.active;
    const broken = list.characters.filter((c) => !c.valid);
    this.el('char-broken').replaceChildren(
      ...broken.map((c) => {
        const li = document.createElement('li');
        li.textContent = c.error ?? c.name;
        return li;
      }),
    );
  }

  private show(id: 'char-result' | 'card-error', text: string, failed: boolean): void {
    const el = this.el(id);
    el.textContent = text;
    el.dataset.state = failed ? 'error' : 'ok';
  }

  async switchTo(name: string, queue: 'keep' | 'clear'): Promise<void> {
    if (!name) return;
    this.show('char-result', t('admin.switching', { name }), false);
    const res = await adminSend<Refusal & { active?: string; ms?: number; kept_inputs?: number }>('POST', '/admin/characters/active', this.token(), { name, queue });
    if (!res.ok) {
      this.show('char-result', res.body.error?.message ?? `HTTP ${res.status}`, true);
      log.warn('characters.switch_refused', { status: res.status, code: res.body.error?.code ?? '' });
      return;
    }
    this.show('char-result', t('admin.switched', { name: res.body.active ?? name, ms: res.body.ms ?? 0, kept: res.body.kept_inputs ?? 0 }), false);
  }

  /** A `character` message: another admin (or this one) switched; the list marks the new active one. */
  handle(m: ServerMessage): void {
    if (m.type === 'character') void this.refresh().catch(() => undefined);
  }

  private fillForm(card: Record<string, unknown>, yaml: string): void {
    for (const f of FIELDS) this.el<HTMLInputElement>(`card-${f}`).value = typeof card[f] === 'string' ? (card[f] as string) : '';
    this.el<HTMLTextAreaElement>('card-yaml').value = yaml;
    this.loadedYaml = yaml;
    this.loadedCard = { ...card };
  }

  private async openCard(mode: 'edit' | 'new' | 'duplicate'): Promise<void> {
    this.mode = mode;
    this.show('card-error', '', false);
    const form = this.el<HTMLFormElement>('card-form');
    form.hidden = false;
    form.dataset.mode = mode;
    const nameInput = this.el<HTMLInputElement>('card-name');
    nameInput.readOnly = mode === 'edit';
    if (mode === 'new') {
      nameInput.value = '';
      this.fillForm({}, '');
      this.el<HTMLTextAreaElement>('card-yaml').disabled = true;
      return;
    }
    const card = await adminJson<CardReply>(`/admin/characters/${encodeURIComponent(this.selected)}`, this.token());
    nameInput.value = mode === 'edit' ? card.name : `${card.name}-copy`;
    this.fillForm(card.card, card.yaml);
    this.el<HTMLTextAreaElement>('card-yaml').disabled = mode !== 'edit';
  }

  /** Changed quick fields as a patch (an emptied field is removed from the card). */
  private fieldPatch(): Record<string, unknown> {
    const patch: Record<string, unknown> = {};
    for (const f of FIELDS) {
      const v = this.el<HTMLInputElement>(`card-${f}`).value;
      const before = typeof this.loadedCard[f] === 'string' ? this.loadedCard[f] : '';
      if (v !== before) patch[f] = v === '' ? null : v;
    }
    return patch;
  }

  private async save(): Promise<void> {
    const name = this.el<HTMLInputElement>('card-name').value.trim();
    const yaml = this.el<HTMLTextAreaElement>('card-yaml').value;
    const patch = this.fieldPatch();
    let res;
    if (this.mode === 'edit') {
      // The YAML wins when it was edited: it is the whole file, comments included.
      const body = yaml !== this.loadedYaml ? { yaml } : { card: patch };
      res = await adminSend<CardReply & Refusal>('PUT', `/admin/characters/${encodeURIComponent(name)}`, this.token(), body);
    } else {
      const card = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== null));
      res = await adminSend<CardReply & Refusal>('POST', '/admin/characters', this.token(), { name, card, ...(this.mode === 'duplicate' ? { from: this.selected } : {}) });
    }
    if (!res.ok) {
      this.show('card-error', res.body.error?.message ?? `HTTP ${res.status}`, true);
      return;
    }
    this.fillForm(res.body.card, res.body.yaml);
    this.mode = 'edit';
    this.el<HTMLInputElement>('card-name').readOnly = true;
    this.el<HTMLTextAreaElement>('card-yaml').disabled = false;
    this.show('card-error', res.body.active ? t('admin.card_saved_active') : t('admin.card_saved'), false);
    await this.refresh();
    this.el<HTMLSelectElement>('char-select').value = res.body.name;
  }

  private async deleteSelected(): Promise<void> {
    const name = this.selected;
    if (!name || !window.confirm(t('admin.card_delete_confirm', { name }))) return;
    const res = await adminSend<Refusal>('DELETE', `/admin/characters/${encodeURIComponent(name)}`, this.token());
    this.show('card-error', res.ok ? t('admin.card_deleted', { name }) : (res.body.error?.message ?? `HTTP ${res.status}`), !res.ok);
    if (res.ok) await this.refresh();
  }
}
