// References to other objects in the same namespace: by name only, so nothing crosses a
// namespace and no credential is ever written into a spec.
import { z } from 'zod';

/** RE2-compatible DNS-1123 subdomain, the rule for object names. */
export const objectNamePattern =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The name of an object in the same namespace. */
export function objectName(description: string): z.ZodString {
  return z
    .string()
    .min(1)
    .max(253)
    .regex(objectNamePattern, 'must be a lowercase DNS name')
    .describe(description);
}

/** Key of a Secret or ConfigMap entry. */
export function dataKey(description: string, fallback: string): z.ZodDefault<z.ZodString> {
  return z
    .string()
    .min(1)
    .max(253)
    .regex(/^[-._a-zA-Z0-9]+$/, 'must be a Secret/ConfigMap key: letters, digits, -, _ and .')
    .default(fallback)
    .describe(`${description} Default: ${fallback}.`);
}

/** A Secret in the same namespace, named by the user; mounted into pods, read by the operator only for kafka/redis connections (lag). */
export const secretRefSchema = z
  .object({ name: objectName('Name of a Secret in the same namespace.') })
  .describe(
    'A Secret in the same namespace; mounted into the flow pods as files. The operator reads (get) only those of kafka and redis connections, to measure lag.',
  );
export type SecretRef = z.infer<typeof secretRefSchema>;

/** One entry of a ConfigMap or a Secret. */
export const keySelectorSchema = z
  .object({
    name: objectName('Name of the object in the same namespace.'),
    key: dataKey('Key of the entry holding the PEM data.', 'ca.crt'),
  })
  .describe('One key of a ConfigMap or Secret in the same namespace.');
export type KeySelector = z.infer<typeof keySelectorSchema>;
