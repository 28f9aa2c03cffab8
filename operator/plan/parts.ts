// The parts that build a flow's children, in order (Camel K traits). Kind parts create objects;
// every later part only edits them. A new concern is one new file and one entry here.
import type { Draft } from './draft.ts';
import { configHash } from './parts/config-hash.ts';
import { configMap } from './parts/config-map.ts';
import { container } from './parts/container.ts';
import { cronJob } from './parts/cron-job.ts';
import { deployment } from './parts/deployment.ts';
import { initialSyncJob } from './parts/initial-sync-job.ts';
import { labels } from './parts/labels.ts';
import { owner } from './parts/owner.ts';
import { resources } from './parts/resources.ts';
import { scheduling } from './parts/scheduling.ts';
import { securityContext } from './parts/security-context.ts';
import { serviceAccount } from './parts/service-account.ts';
import { sweepCronJob } from './parts/sweep-cron-job.ts';
import { volumes } from './parts/volumes.ts';
import type { PlanContext } from './plan-context.ts';

export type Part = (ctx: Readonly<PlanContext>, draft: Draft) => void;

export const parts: readonly Part[] = [
  serviceAccount,
  configMap,
  deployment,
  cronJob,
  sweepCronJob,
  initialSyncJob,
  container,
  volumes,
  securityContext,
  resources,
  scheduling,
  configHash,
  labels,
  owner,
];
