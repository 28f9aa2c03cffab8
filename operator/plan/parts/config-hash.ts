// Config hash: the hash of the flow's ConfigMap on every pod template, so a configuration change
// rolls the Deployment (a mounted file alone would change under a running process).
import { createHash } from 'node:crypto';
import type { Draft } from '../draft.ts';
import type { PlanContext } from '../plan-context.ts';

export const configHashAnnotation = 'syncflow.io/config-hash';

export function configHash(_ctx: Readonly<PlanContext>, draft: Draft): void {
  const config = draft.child('config')?.object;
  if (!config) return;
  const hash = createHash('sha256')
    .update(JSON.stringify(config['data']))
    .digest('hex')
    .slice(0, 16);
  draft.eachPodTemplate((template) => {
    template.metadata.annotations[configHashAnnotation] = hash;
  });
}
