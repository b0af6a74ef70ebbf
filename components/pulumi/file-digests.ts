import { createHash } from 'node:crypto';

/**
 * Hex digits of sha256 kept per file: 64 bits, enough to tell any two versions of a file apart in a
 * preview, a quarter of the full digest's bytes in state.
 */
export const DIGEST_HEX_DIGITS = 16;

/** A file as the Pulumi outputs carry it: what identifies its content, not the content. */
export interface FileDigest {
  /** The first DIGEST_HEX_DIGITS hex digits of the sha256 of its UTF-8 bytes. */
  sha256: string;
  /** Its size in bytes (UTF-8). */
  bytes: number;
}

/** How many files, how large: the whole set and per folder (`prometheus/rules`, `/etc/prometheus`). */
export interface FilesSummary {
  files: number;
  bytes: number;
  byFolder: Record<string, { files: number; bytes: number }>;
}

export function fileDigest(content: string): FileDigest {
  return {
    sha256: createHash('sha256').update(content, 'utf8').digest('hex').slice(0, DIGEST_HEX_DIGITS),
    bytes: Buffer.byteLength(content, 'utf8'),
  };
}

/**
 * Digests by path, in the order of `files`. Stack and component outputs carry these instead of the files:
 * Pulumi keeps every output in its state, and the contents are already there once as the ConfigMaps'
 * data (or the containers' uploads). A changed digest in `pulumi preview --diff` names the file;
 * `promstack diff` and `promstack synth` show its lines.
 */
export function fileDigests(files: Readonly<Record<string, string>>): Record<string, FileDigest> {
  return Object.fromEntries(Object.entries(files).map(([path, content]) => [path, fileDigest(content)]));
}

/** Counts and sizes of `files`, in all and by the folder each is in (`.` for none). */
export function filesSummary(files: Readonly<Record<string, string>>): FilesSummary {
  const summary: FilesSummary = { files: 0, bytes: 0, byFolder: {} };
  for (const [path, content] of Object.entries(files)) {
    const bytes = Buffer.byteLength(content, 'utf8');
    const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.';
    const entry = (summary.byFolder[folder] ??= { files: 0, bytes: 0 });
    entry.files++;
    entry.bytes += bytes;
    summary.files++;
    summary.bytes += bytes;
  }
  return summary;
}
