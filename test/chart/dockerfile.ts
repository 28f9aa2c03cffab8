// Reads a Dockerfile into stages of instructions, enough to check what it copies and runs:
// continuation lines joined, comments and parser directives dropped, flags (--from=…) split off.
export interface Instruction {
  keyword: string;
  flags: Record<string, string>;
  args: string[];
  raw: string;
}

export interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    const continued = line.endsWith('\\');
    current += continued ? `${line.slice(0, -1)} ` : line;
    if (!continued) {
      if (current.trim()) lines.push(current.trim());
      current = '';
    }
  }
  return lines;
}

function instructionOf(line: string): Instruction {
  const [keyword = '', ...rest] = line.split(/\s+/);
  const flags: Record<string, string> = {};
  const args: string[] = [];
  for (const word of rest) {
    const flag = /^--([a-z-]+)=(.*)$/.exec(word);
    if (flag && args.length === 0) flags[flag[1] ?? ''] = flag[2] ?? '';
    else args.push(word);
  }
  return { keyword: keyword.toUpperCase(), flags, args, raw: line };
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of logicalLines(text).map(instructionOf)) {
    if (instruction.keyword === 'FROM') {
      const [from = '', as, name] = instruction.args;
      stages.push({
        from,
        ...(as?.toUpperCase() === 'AS' && name ? { name } : {}),
        instructions: [],
      });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** The JSON (exec) form of ENTRYPOINT/CMD, e.g. ["node"]. */
export function execForm(instruction: Instruction | undefined): string[] | undefined {
  if (!instruction) return undefined;
  const json = instruction.raw.slice(instruction.keyword.length).trim();
  return json.startsWith('[') ? (JSON.parse(json) as string[]) : undefined;
}
