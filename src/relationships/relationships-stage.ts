import path from 'node:path';
import { defineStage } from '../plugin-host/define-stage.ts';
import { relationshipCard } from './relationship-card.ts';
import { RelationshipDb } from './relationship-db.ts';
import { registerRelationshipRoutes } from './relationships-routes.ts';
import { interactionsFromInput } from './interaction-from-input.ts';

declare module '../core/services.ts' {
  interface ServiceMap {
    relationships: RelationshipDb;
  }
}

/**
 * Per-viewer relationships in DATA_DIR/relationships.sqlite: every queued input from a viewer
 * becomes an interaction, the scoring rules update affinity/trust/loyalty, and the prompt gets a
 * short card about the current speaker. Off by config: nothing is opened or registered.
 */
export const relationshipsStage = defineStage({
  name: 'relationships',
  setup(ctx) {
    const cfg = ctx.config.relationships;
    if (!cfg.enabled) {
      ctx.setStatus('disabled', { detail: 'relationships.enabled is false' });
      return;
    }
    const db = new RelationshipDb(path.join(ctx.settings.dataDir, 'relationships.sqlite'), cfg.max_interactions_per_user);
    ctx.onDispose(() => db.close());
    let recorded = 0;
    let failures = 0;
    ctx.on('input.queued', (item) => {
      for (const interaction of interactionsFromInput(item)) {
        try {
          db.record(interaction);
          recorded++;
        } catch (err) {
          failures++;
          ctx.log.error({ event: 'relationships.record_failed', err, kind: interaction.kind }, 'recording an interaction failed');
        }
      }
    });
    const registry = ctx.services.get('promptContext');
    if (registry) {
      ctx.onDispose(
        registry.register({
          name: 'relationships',
          provide: async (input) => {
            const v = db.get(input.user.id);
            if (!v) return {};
            return { relationshipCard: relationshipCard(v, db.interactions(v.user.id, 3), cfg.card_max_tokens, Date.now(), ctx.currentConfig().character.language) };
          },
        }),
      );
    }
    ctx.onDispose(ctx.services.provide('relationships', db));
    ctx.routes((app) => registerRelationshipRoutes(app, { db, cfg, requireAdmin: ctx.requireAdmin, memory: () => ctx.services.get('memory') }));
    const timer = setInterval(() => {
      const row = db.db.prepare('SELECT (SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM interactions) AS interactions').get() as Record<string, number>;
      ctx.setStatus('live', { info: { ...row, recorded, failures } });
    }, 5000);
    timer.unref();
    ctx.onDispose(() => clearInterval(timer));
    ctx.setStatus('live', { info: { recorded, failures } });
  },
});
