/** A `{ kind: 'file', name }` MediaRef found in a configuration, and where: `prompts.0.media`, `queue.holdMusic`. */
export interface FileMediaRefUse {
  name: string;
  path: string;
}

/** Configurations are shallow; a deeper value is not a configuration and is not searched further. */
const MAX_DEPTH = 32;

/**
 * Every media file a configuration plays, found by shape rather than by field: any object
 * `{ kind: 'file', name: string }` at any depth. So a new place that plays a file (a new
 * routing object, a new queue announcement) is covered without being listed here.
 */
export function fileMediaRefs(config: unknown): FileMediaRefUse[] {
  const found: FileMediaRefUse[] = [];
  const walk = (value: unknown, path: string, depth: number): void => {
    if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, join(path, String(index)), depth + 1));
      return;
    }
    const record = value as Record<string, unknown>;
    if (record['kind'] === 'file' && typeof record['name'] === 'string') {
      found.push({ name: record['name'], path: path === '' ? '(root)' : path });
      return;
    }
    for (const [key, child] of Object.entries(record)) walk(child, join(path, key), depth + 1);
  };
  walk(config, '', 0);
  return found;
}

const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);
