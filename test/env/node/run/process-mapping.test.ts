// The container → local process contract, table-driven (pure: no server needed).
import { describe, expect, it } from 'vitest';
import { processFor } from './process-mapping.ts';

const repoRoot = '/repo';

describe('processFor', () => {
  it.each([
    [
      'command and args',
      ['node', 'dist/runtime/main.js'],
      ['consume'],
      { script: '/repo/runtime/main.ts', nodeOptions: [], args: ['consume'] },
    ],
    [
      'an absolute /app path and node options',
      ['/usr/local/bin/node', '--enable-source-maps', '/app/dist/operator/main.js'],
      undefined,
      { script: '/repo/operator/main.ts', nodeOptions: ['--enable-source-maps'], args: [] },
    ],
    [
      'args only (the entrypoint is node)',
      undefined,
      ['dist/test/fixtures/ready-server.js', '--port=$(PORT)'],
      { script: '/repo/test/fixtures/ready-server.ts', nodeOptions: [], args: ['--port=8080'] },
    ],
  ])('maps %s', (_what, command, args, expected) => {
    expect(processFor({ command, args, env: { PORT: '8080' }, repoRoot })).toEqual({
      process: expected,
    });
  });

  it.each([
    [['sh', '-c', 'node dist/x.js'], 'runs only "node dist/<path>.js" commands'],
    [['node', 'server.js'], 'needs a "dist/<path>.js" script'],
    [['node'], 'needs a "dist/<path>.js" script'],
  ])('refuses %j', (command, message) => {
    const mapping = processFor({ command, env: {}, repoRoot });
    expect('error' in mapping && mapping.error).toContain(message);
  });
});
