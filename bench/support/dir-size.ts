// Apparent size (sum of file sizes, what an image layer holds) of files and directory trees.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface TreeSize {
  bytes: number;
  files: number;
}

/** Walks a file or directory without following symlinks; a missing path is an error. */
export async function treeSize(path: string): Promise<TreeSize> {
  const info = await lstat(path);
  if (!info.isDirectory()) return { bytes: info.size, files: 1 };
  const total: TreeSize = { bytes: 0, files: 0 };
  for (const entry of await readdir(path)) {
    const child = await treeSize(join(path, entry));
    total.bytes += child.bytes;
    total.files += child.files;
  }
  return total;
}
