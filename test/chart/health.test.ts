// The Argo CD health checks, run the way Argo CD runs a custom check from argocd-cm: Lua 5.1
// without the string and math libraries (run-health.lua), on every fixture of Argo CD's own
// test format (health_test.yaml). The fixtures are real objects: they parse with the zod schemas
// the CRDs come from.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { syncFlowReplaySchema } from '../../crds/replay.ts';
import { syncFlowSchema } from '../../crds/syncflow.ts';
import { repoRoot } from '../env/paths.ts';
import { healthChecksDir } from './generated-files.ts';

interface HealthStatus {
  status: string;
  message: string;
}

interface HealthTests {
  tests: { healthStatus: HealthStatus; inputPath: string }[];
}

const runner = join(import.meta.dirname, 'run-health.lua');

/** Runs `script` on `object` in lua5.1 and returns what the check returned. */
function runHealth(script: string, object: unknown): Promise<HealthStatus> {
  return new Promise((resolve, reject) => {
    const child = execFile('lua5.1', [runner, script], (err, stdout, stderr) => {
      if (err) reject(new Error(`lua5.1 ${script}: ${stderr || err.message}`));
      else resolve(JSON.parse(stdout) as HealthStatus);
    });
    child.stdin?.end(JSON.stringify(object));
  });
}

const schemas = { SyncFlow: syncFlowSchema, SyncFlowReplay: syncFlowReplaySchema } as const;

describe.each([
  ['SyncFlow', 12],
  ['SyncFlowReplay', 5],
] as const)('the %s health check', (kind, fixtureCount) => {
  const dir = join(repoRoot, healthChecksDir, kind);
  const script = join(dir, 'health.lua');
  const { tests } = parse(readFileSync(join(dir, 'health_test.yaml'), 'utf8')) as HealthTests;

  it(`has ${fixtureCount} fixtures covering every status it can return`, () => {
    expect(tests).toHaveLength(fixtureCount);
    const statuses = new Set(tests.map((t) => t.healthStatus.status));
    const expected =
      kind === 'SyncFlow'
        ? ['Degraded', 'Healthy', 'Progressing', 'Suspended']
        : ['Degraded', 'Healthy', 'Progressing'];
    expect([...statuses].sort()).toEqual(expected);
  });

  it.each(tests.map((t) => [t.inputPath, t.healthStatus] as const))(
    '%s → %o',
    async (inputPath, expected) => {
      const object = parse(readFileSync(join(dir, inputPath), 'utf8')) as unknown;
      expect(() => schemas[kind].parse(object)).not.toThrow();
      await expect(runHealth(script, object)).resolves.toEqual(expected);
    },
  );
});

describe('the Lua runner', () => {
  it.each([
    ['string.find', 'return { status = string.find("a", "a") and "Healthy" }'],
    ['a string method', 'return { status = ("Healthy"):upper() }'],
    ['math.max', 'return { status = "Healthy", message = math.max(1, 2) }'],
    ['io', 'io.write("x") return { status = "Healthy" }'],
  ])('fails a check that uses %s, as Argo CD does for custom checks', async (_label, lua) => {
    const dir = mkdtempSync(join(tmpdir(), 'syncflow-lua-'));
    try {
      const script = join(dir, 'health.lua');
      writeFileSync(script, lua);
      await expect(runHealth(script, { kind: 'SyncFlow' })).rejects.toThrow(
        /attempt to (index|call)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('passes JSON null as nil, like Argo CD', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncflow-lua-'));
    try {
      const script = join(dir, 'health.lua');
      writeFileSync(script, 'return { status = "Healthy", message = type(obj.status) }');
      await expect(runHealth(script, { status: null })).resolves.toEqual({
        status: 'Healthy',
        message: 'nil',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
