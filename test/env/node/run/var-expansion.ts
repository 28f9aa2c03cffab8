// Kubernetes' `$(VAR)` expansion in env values, command and args: a defined variable is
// replaced, an undefined reference is kept as written, and `$$` escapes a `$`.

export function expandVars(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name?: string) => {
    if (match === '$$') return '$';
    return name !== undefined && Object.hasOwn(vars, name) ? (vars[name] ?? '') : match;
  });
}
