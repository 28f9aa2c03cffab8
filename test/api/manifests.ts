// Reads the YAML manifests of a folder the way `kubectl apply -f <folder>` does: every .yaml
// file directly in it (not in subfolders), every document in each file.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: unknown;
  [key: string]: unknown;
}

export interface ManifestFile {
  file: string;
  /** Comment lines at the top of the file, without the leading "# ". */
  header: string[];
  objects: Manifest[];
}

export function readManifestFile(path: string): ManifestFile {
  const text = readFileSync(path, 'utf8');
  const header = text
    .split('\n')
    .filter((line) => line.startsWith('#'))
    .map((line) => line.replace(/^#\s?/, ''));
  const objects = parseAllDocuments(text)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((object): object is Manifest => object !== null);
  return { file: path, header, objects };
}

export function readManifests(directory: string): ManifestFile[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => readManifestFile(join(directory, name)));
}
