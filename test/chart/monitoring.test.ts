// Alerts and dashboard against the metric contract the chart README documents: every metric
// they query is in it, every query parses as PromQL, and the alerts and panels the users asked
// for are there.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../api/manifests.ts';
import { chartDir, copyChart, renderChart } from './chart.ts';
import { ensureChartTools } from './tools.ts';

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
interface Panel {
  title: string;
  targets: { expr: string }[];
}

const contract = (() => {
  const readme = readFileSync(join(chartDir, 'README.md'), 'utf8');
  const table = /<!-- metrics:begin -->([\s\S]*?)<!-- metrics:end -->/.exec(readme)?.[1] ?? '';
  return [...table.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1] ?? '');
})();

/** Metric names a PromQL expression selects (identifiers not followed by `(` nor keywords). */
function metricsIn(expr: string): string[] {
  const names = new Set<string>();
  const tree = parser.parse(expr);
  tree.iterate({
    enter: (node) => {
      if (node.type.name === 'Identifier' && node.node.parent?.type.name === 'VectorSelector')
        names.add(expr.slice(node.from, node.to));
    },
  });
  return [...names];
}

function parseErrors(expr: string): number {
  let errors = 0;
  parser.parse(expr).iterate({ enter: (node) => void (node.type.isError && errors++) });
  return errors;
}

/** Grafana's range variables are not PromQL: give them a duration before parsing. */
const withoutGrafanaVariables = (expr: string): string =>
  expr.replace(/\$__(rate_interval|interval|range)/g, '5m');

let rules: Rule[];
let panels: Panel[];
let dashboardConfigMap: Manifest;

beforeAll(async () => {
  const { helm } = await ensureChartTools();
  const chart = copyChart();
  try {
    const objects = await renderChart(helm, chart.dir, {
      namespace: 'syncflow-system',
      set: { 'metrics.prometheusRule.enabled': 'true', 'grafanaDashboard.enabled': 'true' },
    });
    const rule = objects.find((o) => o.kind === 'PrometheusRule');
    rules = (rule?.spec as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
    dashboardConfigMap = objects.find((o) => o.kind === 'ConfigMap') as Manifest;
    const data = dashboardConfigMap['data'] as Record<string, string>;
    panels = (JSON.parse(data['syncflow.json'] ?? '{}') as { panels: Panel[] }).panels;
  } finally {
    chart.remove();
  }
});

describe('the metric contract', () => {
  it('names the lag, condition, run and record metrics', () => {
    expect(contract).toEqual(
      expect.arrayContaining([
        'syncflow_lag_seconds',
        'syncflow_lag_budget_seconds',
        'syncflow_lag_messages',
        'syncflow_flow_condition',
        'syncflow_runs_total',
        'syncflow_consecutive_failed_runs',
        'syncflow_records_applied_total',
        'syncflow_records_dead_lettered_total',
        'controller_runtime_reconcile_total',
        'up',
      ]),
    );
  });
});

describe('the PrometheusRule', () => {
  it('has the alerts of the chart README', () => {
    expect(rules.map((r) => r.alert)).toEqual([
      'SyncFlowLagOverBudget',
      'SyncFlowStalled',
      'SyncFlowRunsFailing',
      'SyncFlowRunFailed',
      'SyncFlowSchemaDrift',
      'SyncFlowGuardTripped',
      'SyncFlowOperatorDown',
    ]);
  });

  it.each([0, 1, 2, 3, 4, 5, 6])('rule %i parses and queries only contract metrics', (i) => {
    const rule = rules[i];
    expect(rule).toBeDefined();
    if (!rule) return;
    expect(parseErrors(rule.expr), rule.expr).toBe(0);
    const metrics = metricsIn(rule.expr);
    expect(metrics.length).toBeGreaterThan(0);
    for (const metric of metrics) expect(contract, `${rule.alert}: ${metric}`).toContain(metric);
    expect(rule.annotations['summary']).toBeTruthy();
    expect(['warning', 'critical']).toContain(rule.labels['severity']);
  });

  it('compares lag with the budget for the configured time, per flow', () => {
    const lag = rules.find((r) => r.alert === 'SyncFlowLagOverBudget');
    expect(lag?.for).toBe('10m');
    expect(lag?.expr.replace(/\s+/g, ' ')).toBe(
      'max by (namespace, name, flow) (syncflow_lag_seconds) > max by (namespace, name, flow) (syncflow_lag_budget_seconds)',
    );
    const down = rules.find((r) => r.alert === 'SyncFlowOperatorDown');
    expect(down?.expr).toBe(
      'absent(up{job="syncflow-syncflow-operator-metrics", namespace="syncflow-system"} == 1)',
    );
  });
});

describe('the Grafana dashboard', () => {
  it('is a ConfigMap the Grafana sidecar picks up', () => {
    expect(dashboardConfigMap.metadata).toMatchObject({
      namespace: 'syncflow-system',
      labels: { grafana_dashboard: '1' },
    });
  });

  it('shows lag against budget, records applied, dead-lettered and run outcomes', () => {
    expect(panels.map((p) => p.title)).toEqual(
      expect.arrayContaining([
        'Lag against budget per flow',
        'Records applied',
        'Records dead-lettered',
        'Run outcomes',
      ]),
    );
    const lag = panels.find((p) => p.title === 'Lag against budget per flow');
    expect(lag?.targets.flatMap((t) => metricsIn(t.expr)).sort()).toEqual([
      'syncflow_lag_budget_seconds',
      'syncflow_lag_seconds',
    ]);
  });

  it('queries parse and use only contract metrics', () => {
    const exprs = panels.flatMap((p) => p.targets.map((t) => withoutGrafanaVariables(t.expr)));
    expect(exprs.length).toBeGreaterThanOrEqual(8);
    for (const expr of exprs) {
      expect(parseErrors(expr), expr).toBe(0);
      for (const metric of metricsIn(expr)) expect(contract, expr).toContain(metric);
    }
  });
});
