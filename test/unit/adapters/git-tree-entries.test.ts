import { describe, expect, it } from 'vitest';
import { treeEntries } from '../../../deployer/adapters/git/cat-file-batch.ts';

const SHA1 = ['11'.repeat(20), '22'.repeat(20), '33'.repeat(20), '44'.repeat(20)];

/** A tree object as git stores it: `<octal mode> SP <name> NUL <binary id>` per entry. */
function tree(entries: Array<[mode: string, name: string, oid: string]>): Buffer {
  return Buffer.concat(
    entries.map(([mode, name, oid]) =>
      Buffer.concat([Buffer.from(`${mode} ${name}\0`, 'utf8'), Buffer.from(oid, 'hex')]),
    ),
  );
}

describe('treeEntries', () => {
  it('types each entry by its mode as ls-tree does: files and symlinks are blobs', () => {
    const bytes = tree([
      ['100644', 'api.yaml', SHA1[0] as string],
      ['100755', 'run.yml', SHA1[1] as string],
      ['120000', 'link.yaml', SHA1[2] as string],
      ['40000', 'nested', SHA1[3] as string],
      ['160000', 'module', SHA1[0] as string],
    ]);
    expect(treeEntries(bytes, 20)).toEqual([
      { type: 'blob', name: 'api.yaml', oid: SHA1[0] },
      { type: 'blob', name: 'run.yml', oid: SHA1[1] },
      { type: 'blob', name: 'link.yaml', oid: SHA1[2] },
      { type: 'tree', name: 'nested', oid: SHA1[3] },
      { type: 'commit', name: 'module', oid: SHA1[0] },
    ]);
  });

  it('reads names as UTF-8 and ids of a SHA-256 repository (32 bytes)', () => {
    const oid = 'ab'.repeat(32);
    expect(treeEntries(tree([['100644', 'dépôt.yaml', oid]]), 32)).toEqual([
      { type: 'blob', name: 'dépôt.yaml', oid },
    ]);
  });

  it('returns no entries for the empty tree', () => {
    expect(treeEntries(Buffer.alloc(0), 20)).toEqual([]);
  });

  it('throws on a tree cut inside an id', () => {
    const bytes = tree([['100644', 'api.yaml', SHA1[0] as string]]);
    expect(() => treeEntries(bytes.subarray(0, bytes.length - 1), 20)).toThrow('malformed git tree object');
  });
});
