import type { Where } from 'chromadb';
import type { Logger } from 'pino';
import type { MemoryService } from './memory-service.ts';
import type { MemoryItem } from './memory-item.ts';

export interface ConsolidationReport {
  method: 'llm' | 'extractive' | 'none';
  groups: number;
  created: number;
  removed: number;
  skipped_active: number;
  skipped_young: number;
}

/**
 * Merges session memories into long-term facts, per viewer. Items younger than `min_age` or
 * from a viewer whose turn is running are the active conversation and are left alone. With an
 * LLM URL configured the facts are written by the LLM; otherwise the most important lines are
 * kept verbatim (extractive). Every action is logged and audited.
 */
export class Consolidator {
  private running: Promise<ConsolidationReport> | undefined;

  constructor(
    private readonly memory: MemoryService,
    private readonly log: Logger,
    private readonly activeUsers: () => Set<string>,
  ) {}

  run(actor: string): Promise<ConsolidationReport> {
    this.running ??= this.consolidate(actor).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async consolidate(actor: string): Promise<ConsolidationReport> {
    const cfg = this.memory.cfg.consolidation;
    const now = Date.now();
    const minAge = cfg.min_age_minutes * 60_000;
    const active = this.activeUsers();
    const items = await this.memory.store.all('session');
    const report: ConsolidationReport = { method: cfg.llm_url ? 'llm' : 'extractive', groups: 0, created: 0, removed: 0, skipped_active: 0, skipped_young: 0 };
    const groups = new Map<string, MemoryItem[]>();
    for (const it of items) {
      if (it.metadata.expires_at && it.metadata.expires_at <= now) continue;
      if (now - it.metadata.created_at < minAge) {
        report.skipped_young++;
        continue;
      }
      if (active.has(it.metadata.user_id)) {
        report.skipped_active++;
        continue;
      }
      // Never merge one character's memories into another's.
      const key = `${it.metadata.character}\u0000${it.metadata.user_id}`;
      const list = groups.get(key) ?? [];
      list.push(it);
      groups.set(key, list);
    }
    for (const group of groups.values()) {
      const userId = (group[0] as MemoryItem).metadata.user_id;
      report.groups++;
      let facts: string[];
      if (cfg.llm_url) {
        try {
          facts = await this.llmFacts(group);
        } catch (err) {
          this.log.warn({ event: 'memory.consolidate_llm_failed', err }, 'LLM consolidation failed; using extractive');
          facts = extractiveFacts(group);
          report.method = 'extractive';
        }
      } else facts = extractiveFacts(group);
      const first = group[0] as MemoryItem;
      const created: MemoryItem[] = facts.map((text) => ({
        id: this.memory.newId(),
        text,
        metadata: {
          kind: userId ? 'user' : 'chat',
          scope: 'long',
          importance: Math.max(0.4, ...group.map((g) => g.metadata.importance)),
          tags: [...new Set(group.flatMap((g) => g.metadata.tags))].slice(0, 8),
          emotion: '',
          user_id: userId,
          user_name: first.metadata.user_name,
          source: 'consolidation',
          character: first.metadata.character,
          created_at: Math.min(...group.map((g) => g.metadata.created_at)),
          updated_at: now,
          expires_at: 0,
        },
      }));
      this.memory.write(created);
      this.memory.remove(group.map((g) => g.id));
      report.created += created.length;
      report.removed += group.length;
      this.log.info({ event: 'memory.consolidated', user: userId, merged: group.length, facts: created.length, method: report.method }, 'session memories consolidated');
      this.memory.db.audit(actor, 'memory.consolidate', userId || '(general)', { merged: group.map((g) => g.id), created: created.map((c) => c.id), method: report.method });
    }
    await this.memory.flush();
    if (report.groups === 0) report.method = 'none';
    return report;
  }

  /** TTL sweep of session items, plus optional pruning of old unimportant long-term items. */
  async prune(actor: string, opts: { olderThanDays?: number; maxImportance?: number } = {}): Promise<{ expired: number; pruned: number }> {
    const now = Date.now();
    const expiredWhere: Where = { $and: [{ expires_at: { $gt: 0 } }, { expires_at: { $lte: now } }] };
    const expired = await this.memory.store.all('session', expiredWhere);
    this.memory.remove(expired.map((e) => e.id));
    let pruned = 0;
    if (opts.olderThanDays !== undefined) {
      const cutoff = now - opts.olderThanDays * 86_400_000;
      const where: Where = { $and: [{ created_at: { $lt: cutoff } }, { importance: { $lte: opts.maxImportance ?? 0.3 } }] };
      const old = await this.memory.store.all('long', where);
      this.memory.remove(old.map((o) => o.id));
      pruned = old.length;
    }
    await this.memory.flush();
    if (expired.length > 0 || pruned > 0) {
      this.log.info({ event: 'memory.pruned', expired: expired.length, pruned }, 'memories pruned');
      this.memory.db.audit(actor, 'memory.prune', '*', { expired: expired.length, pruned, ...opts });
    }
    return { expired: expired.length, pruned };
  }

  private async llmFacts(group: MemoryItem[]): Promise<string[]> {
    const cfg = this.memory.cfg.consolidation;
    const lines = group.map((g) => `- ${g.text}`).join('\n');
    const res = await fetch(`${cfg.llm_url.replace(/\/+$/, '')}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(cfg.llm_timeout_ms),
      body: JSON.stringify({
        model: cfg.llm_model || 'default',
        stream: false,
        temperature: 0,
        messages: [
          { role: 'system', content: 'You condense chat lines into durable facts for long-term memory. Answer with at most 3 short facts, one per line, each starting with "- ". Keep names. No commentary.' },
          { role: 'user', content: lines },
        ],
      }),
    });
    if (!res.ok) throw new Error(`LLM answered ${res.status}`);
    const body = (await res.json()) as { choices?: Array<{ message?: { content?: unknown } }> };
    const content = body.choices?.[0]?.message?.content;
    if (typeof content !== 'string') throw new Error('LLM returned no text');
    const facts = content
      .split('\n')
      .map((l) => l.replace(/^\s*[-*\d.)]+\s*/, '').trim())
      .filter((l) => l.length > 3)
      .slice(0, 3);
    if (facts.length === 0) throw new Error('LLM returned no facts');
    return facts.map((f) => f.slice(0, 500));
  }
}

/** The most important lines of a group, verbatim, merged into at most two facts. */
export function extractiveFacts(group: readonly MemoryItem[]): string[] {
  const ranked = [...group].sort((a, b) => b.metadata.importance - a.metadata.importance || b.text.length - a.text.length);
  const out: string[] = [];
  let current = '';
  for (const it of ranked.slice(0, 6)) {
    const piece = it.text.trim();
    if (current && current.length + piece.length + 3 > 400) {
      out.push(current);
      current = '';
      if (out.length >= 2) break;
    }
    current = current ? `${current} / ${piece}` : piece;
  }
  if (current && out.length < 2) out.push(current);
  return out;
}
