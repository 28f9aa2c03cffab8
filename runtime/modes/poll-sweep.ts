// The sweep poll of an event flow (pure): the operator gives a flow planned as `consume` whose
// source can also be polled (`source.poll`) a slow `runtime poll` CronJob that catches the
// events the ERP never sent. It reads the same source as a poll, through the same gate, so only
// what the events missed is written, and the same guards stop it: a sweep that would write more
// than `guards.maxChangeRatio` of the entities means events lost en masse or a source gone bad.
// These are the rules that tell such a run apart.
import type { FlowConfig } from '../../crds/flow-config.ts';

export type PollKind = 'poll' | 'sweep';

/**
 * How a run started as `mode` runs this flow: the planned mode, or `poll` on a consume flow
 * that has `source.poll` (its sweep). Anything else is a reason to refuse to start.
 */
export function runKindOf(
  config: Pick<FlowConfig, 'flow' | 'plan'>,
  mode: string,
): { kind: PollKind | 'planned' } | { refused: string } {
  const planned = config.plan.mode;
  if (planned === mode) return { kind: planned === 'poll' ? 'poll' : 'planned' };
  if (mode === 'poll' && planned === 'consume') {
    if (config.flow.spec.source.poll !== undefined) return { kind: 'sweep' };
    return {
      refused:
        'flow config plans mode consume and has no source.poll: there is nothing to sweep with runtime poll',
    };
  }
  return {
    refused: `flow config plans mode ${planned}, but the runtime was started as ${mode}`,
  };
}

/**
 * How far back a sweep without a cursor reads: one sweep period (the operator sweeps hourly)
 * before now, since the events carried everything older; `initialSync` may reach further.
 */
export const sweepLookbackMs = 3600 * 1000;
