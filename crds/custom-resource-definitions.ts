// The three CustomResourceDefinitions, built from the zod schemas: names, printer columns,
// subresources and the structural schemas. Pure; generate.ts writes them to crds/*.yaml.
import type { z } from 'zod';
import { stringify } from 'yaml';
import { syncConnectionSpecSchema, syncConnectionStatusSchema } from './connection.ts';
import { syncFlowReplaySpecSchema, syncFlowReplayStatusSchema } from './replay.ts';
import { structuralSchemaFor, type JsonSchemaProps } from './structural-schema.ts';
import { group, syncFlowSpecSchema, syncFlowStatusSchema, version } from './syncflow.ts';

interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description: string;
  priority?: number;
}

interface KindDefinition {
  kind: string;
  plural: string;
  shortName: string;
  description: string;
  spec: z.ZodType;
  status: z.ZodType;
  columns: PrinterColumn[];
  rootRules: { rule: string; message: string; fieldPath?: string }[];
}

const age: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: 'Time since creation.',
};

/**
 * `kubectl get syncflow-all` lists every SyncFlow object. Not `syncflow`: kubectl expands a
 * category before a resource name, so a category named like the kind would shadow it and
 * `kubectl get syncflow <name>` would fail with "you must specify only one resource".
 */
export const category = 'syncflow-all';

/** Flow names leave room for the suffixes of child names (CronJob names stop at 52). */
export const maxSyncFlowNameLength = 40;

const kinds: KindDefinition[] = [
  {
    kind: 'SyncFlow',
    plural: 'syncflows',
    shortName: 'sf',
    description:
      'One data flow between the ERP and Adobe Commerce with a latency budget; the operator runs it as the cheapest workload that meets the budget.',
    spec: syncFlowSpecSchema,
    status: syncFlowStatusSchema,
    columns: [
      { name: 'Flow', type: 'string', jsonPath: '.spec.flow', description: 'Which flow.' },
      { name: 'Entity', type: 'string', jsonPath: '.spec.entity', description: 'Entity sub-kind.' },
      {
        name: 'Pattern',
        type: 'string',
        jsonPath: '.status.pattern',
        description: 'Chosen pattern.',
      },
      {
        name: 'Lag',
        type: 'number',
        jsonPath: '.status.lag.seconds',
        description: 'Seconds behind.',
      },
      { name: 'Budget', type: 'string', jsonPath: '.spec.maxLag', description: 'maxLag.' },
      {
        name: 'Ready',
        type: 'string',
        jsonPath: '.status.conditions[?(@.type=="Ready")].status',
        description: 'Ready condition.',
      },
      age,
      {
        name: 'Schedule',
        type: 'string',
        jsonPath: '.status.schedule',
        description: 'Cron schedule.',
        priority: 1,
      },
      {
        name: 'Decision',
        type: 'string',
        jsonPath: '.status.decision',
        description: 'Why this pattern.',
        priority: 1,
      },
    ],
    rootRules: [
      {
        rule: `size(self.metadata.name) <= ${maxSyncFlowNameLength}`,
        message: `metadata.name: a SyncFlow name has at most ${maxSyncFlowNameLength} characters, so its CronJob and Job names fit`,
      },
    ],
  },
  {
    kind: 'SyncConnection',
    plural: 'syncconnections',
    shortName: 'sfc',
    description:
      'One endpoint of a client environment (ERP, Commerce, Kafka, Redis), shared by the flows of its namespace; credentials stay in Secrets.',
    spec: syncConnectionSpecSchema,
    status: syncConnectionStatusSchema,
    columns: [
      { name: 'Type', type: 'string', jsonPath: '.spec.type', description: 'Endpoint type.' },
      { name: 'URL', type: 'string', jsonPath: '.spec.url', description: 'Base URL.' },
      age,
      {
        name: 'Brokers',
        type: 'string',
        jsonPath: '.spec.brokers',
        description: 'Kafka brokers.',
        priority: 1,
      },
    ],
    rootRules: [],
  },
  {
    kind: 'SyncFlowReplay',
    plural: 'syncflowreplays',
    shortName: 'sfr',
    description:
      'A one-off command replaying a SyncFlow from a point in time, or redriving its dead-letter topic.',
    spec: syncFlowReplaySpecSchema,
    status: syncFlowReplayStatusSchema,
    columns: [
      { name: 'Flow', type: 'string', jsonPath: '.spec.flow', description: 'Replayed flow.' },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Progress.' },
      { name: 'From', type: 'string', jsonPath: '.spec.from', description: 'Replayed from.' },
      {
        name: 'Mode',
        type: 'string',
        jsonPath: '.spec.mode',
        description: 'fillGaps or reapply.',
        priority: 1,
      },
      age,
    ],
    rootRules: [],
  },
];

function rootSchemaFor(definition: KindDefinition): JsonSchemaProps {
  const root: JsonSchemaProps = {
    type: 'object',
    description: definition.description,
    required: ['spec'],
    properties: {
      apiVersion: {
        type: 'string',
        description: 'Versioned schema of this object: syncflow.io/v1alpha1.',
      },
      kind: { type: 'string', description: `Kind of this object: ${definition.kind}.` },
      metadata: { type: 'object' },
      spec: structuralSchemaFor(definition.spec, 'spec'),
      status: structuralSchemaFor(definition.status, 'status'),
    },
  };
  if (definition.rootRules.length > 0) root['x-kubernetes-validations'] = definition.rootRules;
  return root;
}

/** A CustomResourceDefinition object for one kind. */
function crdFor(definition: KindDefinition): Record<string, unknown> {
  const { kind, plural, shortName } = definition;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}`, labels: { 'app.kubernetes.io/name': 'syncflow' } },
    spec: {
      group,
      scope: 'Namespaced',
      names: {
        kind,
        listKind: `${kind}List`,
        plural,
        singular: kind.toLowerCase(),
        shortNames: [shortName],
        categories: [category],
      },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: definition.columns,
          schema: { openAPIV3Schema: rootSchemaFor(definition) },
        },
      ],
    },
  };
}

/** The CRDs of the API, in the order they should be installed. */
export function customResourceDefinitions(): Record<string, unknown>[] {
  return kinds.map(crdFor);
}

/** File name under crds/ to YAML text, exactly as `npm run gen` writes them. */
export function crdFiles(): Record<string, string> {
  const header = '# Generated by `npm run gen` from the zod schemas in crds/*.ts. Do not edit.\n';
  return Object.fromEntries(
    kinds.map((definition) => [
      `${definition.kind.toLowerCase()}.yaml`,
      header + stringify(crdFor(definition), { lineWidth: 0, aliasDuplicateObjects: false }),
    ]),
  );
}
