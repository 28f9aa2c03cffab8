// `npm run bench -- NAME` runs bench/NAME.ts, prints its metrics as a table and writes
// bench-results/NAME.json: [{ metric, value, unit, target, pass }], pass computed from the target.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Measurement {
  metric: string;
  value: number;
  unit: string;
  /** e.g. '<= 200' or '>= 1000'; none for a plain observation. */
  target?: string;
}

export type Benchmark = () => Promise<Measurement[]>;

function passes(value: number, target: string | undefined): boolean | null {
  const match = target?.match(/^(<=|>=|<|>)\s*([0-9.]+)$/);
  if (!match) return null;
  const limit = Number(match[2]);
  const op = match[1];
  if (op === '<=') return value <= limit;
  if (op === '>=') return value >= limit;
  return op === '<' ? value < limit : value > limit;
}

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9-]+$/.test(name))
    throw new Error('usage: npm run bench -- NAME (runs bench/NAME.ts)');
  const module = (await import(`./${name}.ts`)) as { run: Benchmark };
  const rows = (await module.run()).map((m) => ({
    ...m,
    target: m.target ?? null,
    pass: passes(m.value, m.target),
  }));
  console.table(rows);
  const dir = join(import.meta.dirname, '..', 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(rows, null, 2)}\n`);
  process.exit(rows.some((r) => r.pass === false) ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
