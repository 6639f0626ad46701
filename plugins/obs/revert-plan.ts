import { z } from 'zod';
import type { ObsAction } from './config.ts';
import { MEDIA_PLAYING, transformOf, type ObsService, type Transform } from './obs-service.ts';

/**
 * What undoes a fired action, as plain data (so a pending revert survives a reconnect and a
 * restart), together with the state the action left OBS in. A revert runs only while OBS is
 * still in that state: when the streamer changed it by hand meanwhile, their change wins.
 */
const TransformSchema = z
  .object({ positionX: z.number(), positionY: z.number(), rotation: z.number(), scaleX: z.number(), scaleY: z.number() })
  .partial()
  .strict();

export const RevertPlanSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('scene'), restore: z.string(), expect: z.string() }).strict(),
  z.object({ type: z.literal('source'), scene: z.string(), source: z.string(), restore: z.boolean() }).strict(),
  z.object({ type: z.literal('filter'), source: z.string(), filter: z.string(), restore: z.boolean() }).strict(),
  z.object({ type: z.literal('text'), source: z.string(), expect: z.string() }).strict(),
  z.object({ type: z.literal('media'), source: z.string() }).strict(),
  z.object({ type: z.literal('transition'), restore: z.string(), restoreDurationMs: z.number().optional(), expect: z.string() }).strict(),
  z.object({ type: z.literal('transform'), scene: z.string(), source: z.string(), restore: TransformSchema, expect: TransformSchema }).strict(),
  z.object({ type: z.enum(['record', 'stream']), restore: z.enum(['start', 'stop']) }).strict(),
]);
export type RevertPlan = z.infer<typeof RevertPlanSchema>;

export type RevertOutcome = { done: 'reverted' } | { done: 'skipped'; reason: string };

/**
 * Reads what `action` is about to change and returns how to undo it, or undefined when the
 * action changes nothing (the scene is already current, the source already shown...): then
 * there is nothing of ours to undo, and undoing would override the streamer's own setting.
 */
export async function planRevert(obs: ObsService, action: ObsAction, filledText: string): Promise<RevertPlan | undefined> {
  switch (action.type) {
    case 'scene': {
      const current = await obs.currentScene();
      return current === action.name ? undefined : { type: 'scene', restore: current, expect: action.name };
    }
    case 'source': {
      const visible = await obs.isSourceVisible(action.scene, action.source);
      return visible === action.visible ? undefined : { type: 'source', scene: action.scene, source: action.source, restore: visible };
    }
    case 'filter': {
      const enabled = await obs.isFilterEnabled(action.source, action.filter);
      return enabled === action.enabled ? undefined : { type: 'filter', source: action.source, filter: action.filter, restore: enabled };
    }
    case 'text':
      return { type: 'text', source: action.source, expect: filledText };
    case 'media':
      return { type: 'media', source: action.source };
    case 'transition': {
      const current = await obs.currentTransition();
      if (current.name === action.name && (action.duration_ms === undefined || action.duration_ms === current.durationMs)) return undefined;
      return { type: 'transition', restore: current.name, ...(current.durationMs !== undefined ? { restoreDurationMs: current.durationMs } : {}), expect: action.name };
    }
    case 'transform': {
      const target = transformOf(action);
      const current = await obs.getTransform(action.scene, action.source);
      const restore: Transform = {};
      for (const key of Object.keys(target) as Array<keyof Transform>) {
        const value = current[key];
        if (value !== undefined) restore[key] = value;
      }
      // The whole placement after the action: any hand move of the source in between means hands off.
      return sameTransform(restore, target) ? undefined : { type: 'transform', scene: action.scene, source: action.source, restore, expect: { ...current, ...target } };
    }
    case 'record':
    case 'stream': {
      const active = await obs.outputActive(action.type);
      return active === (action.action === 'start') ? undefined : { type: action.type, restore: active ? 'start' : 'stop' };
    }
  }
}

/** Undoes one action if OBS still shows what the action set; otherwise leaves OBS alone. */
export async function applyRevert(obs: ObsService, plan: RevertPlan): Promise<RevertOutcome> {
  const skipped = (reason: string): RevertOutcome => ({ done: 'skipped', reason });
  switch (plan.type) {
    case 'scene': {
      const now = await obs.currentScene();
      if (now !== plan.expect) return skipped(`program scene is "${now}", not "${plan.expect}"`);
      await obs.switchScene(plan.restore);
      break;
    }
    case 'source': {
      if ((await obs.isSourceVisible(plan.scene, plan.source)) === plan.restore) return skipped(`source "${plan.source}" was already changed back`);
      await obs.setSourceVisible(plan.scene, plan.source, plan.restore);
      break;
    }
    case 'filter': {
      if ((await obs.isFilterEnabled(plan.source, plan.filter)) === plan.restore) return skipped(`filter "${plan.filter}" was already changed back`);
      await obs.setFilterEnabled(plan.source, plan.filter, plan.restore);
      break;
    }
    case 'text': {
      if ((await obs.getText(plan.source)) !== plan.expect) return skipped(`text of "${plan.source}" was changed meanwhile`);
      await obs.setText(plan.source, '');
      break;
    }
    case 'media': {
      const state = await obs.mediaState(plan.source);
      if (state !== MEDIA_PLAYING) return skipped(`media "${plan.source}" is ${state}`);
      await obs.triggerMedia(plan.source, 'stop');
      break;
    }
    case 'transition': {
      const now = await obs.currentTransition();
      if (now.name !== plan.expect) return skipped(`transition is "${now.name}", not "${plan.expect}"`);
      await obs.setTransition(plan.restore, plan.restoreDurationMs);
      break;
    }
    case 'transform': {
      const now = await obs.getTransform(plan.scene, plan.source);
      if (!sameTransform(now, plan.expect)) return skipped(`source "${plan.source}" was moved meanwhile`);
      await obs.setTransform(plan.scene, plan.source, plan.restore);
      break;
    }
    case 'record':
    case 'stream': {
      const active = await obs.outputActive(plan.type);
      if (active === (plan.restore === 'start')) return skipped(`${plan.type} output was already ${active ? 'started' : 'stopped'}`);
      await obs.setOutput(plan.type, plan.restore);
      break;
    }
  }
  return { done: 'reverted' };
}

/** True when every field `expect` names matches `actual` (OBS stores floats; a hundredth of a unit is equal). */
function sameTransform(actual: Transform, expect: Transform): boolean {
  return (Object.keys(expect) as Array<keyof Transform>).every((k) => {
    const a = actual[k];
    const e = expect[k];
    return a !== undefined && e !== undefined && Math.abs(a - e) < 0.01;
  });
}
