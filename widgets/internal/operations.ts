import manifest from '../persisted-operations.json' with { type: 'json' };

/**
 * A widget operation's sha256 hash, by name, read from the manifest. Each element's own
 * operations.ts names its operations with it; the build (widgets/vite.config.ts) writes those
 * files as constants instead, so a chunk carries only the hashes its element sends (all seven in
 * the common chunk cost every page 490 B min+gzip).
 */
export const hashOf = (name: string) => Object.keys(manifest).find((hash) => (manifest as Record<string, string>)[hash]!.split('(')[0]!.endsWith(` ${name}`))!;

