// The source sections of a SyncFlow the delta and file sources read, as crds/ defines them.
import type { z } from 'zod';
import type {
  commerceSourceSchema,
  fileSourceSchema,
  restSourceSchema,
  odataSourceSchema,
  suiteqlSourceSchema,
} from '../../crds/source.ts';

export type OdataSource = z.infer<typeof odataSourceSchema>;
export type SuiteqlSource = z.infer<typeof suiteqlSourceSchema>;
export type FileSource = z.infer<typeof fileSourceSchema>;
export type RestSource = z.infer<typeof restSourceSchema>;
export type CommerceSource = z.infer<typeof commerceSourceSchema>;
