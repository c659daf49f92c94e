import { describe, expect, it } from 'vitest';
import { escapeHtml, html, trusted } from '../../../deployer/http/dashboard/escape-html.ts';
import {
  formatDuration,
  formatTime,
  imageLabel,
  knownTags,
  liveImageStatus,
  shortDigest,
  shortRevision,
  withKnownTag,
} from '../../../deployer/present/format-values.ts';

const D = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('escapeHtml', () => {
  it('escapes every character that can break out of text or a quoted attribute', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\`</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;',
    );
  });
  it('renders null and undefined as empty text', () => {
    expect(escapeHtml(undefined)).toBe('');
    expect(escapeHtml(null)).toBe('');
  });
  it('html`` escapes values, keeps nested html and trusted constants, drops false', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${'<x>'}${inner}${trusted('<br>')}${false}${['<', html`<hr>`]}</p>`.value).toBe(
      '<p>&lt;x&gt;<b>&lt;i&gt;</b><br>&lt;<hr></p>',
    );
  });
});

describe('format values', () => {
  it.each([
    [D, '0123456789ab'],
    ['0123456789abcdef', '0123456789ab'],
    [undefined, ''],
  ])('shortDigest(%s) = %s', (input, expected) => {
    expect(shortDigest(input)).toBe(expected);
  });

  it.each([
    [{ image: `repo/actors@${D}`, digest: D, tag: '1.1.0' }, '1.1.0@0123456789ab'],
    [{ image: `repo/actors@${D}` }, '@0123456789ab'],
    [{ image: 'registry:5000/repo/actors:1.2.3' }, '1.2.3'],
    [{ image: 'actors' }, 'actors'],
    [null, '—'],
  ])('imageLabel(%j) = %s', (input, expected) => {
    expect(imageLabel(input)).toBe(expected);
  });

  it.each([
    [0, '0ms'],
    [950, '950ms'],
    [12_400, '12s'],
    [65_000, '1m 05s'],
    [3_720_000, '1h 02m'],
    [-1, ''],
    [Number.NaN, ''],
  ])('formatDuration(%d) = %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  it('formats times as sortable UTC and passes through what it cannot parse', () => {
    expect(formatTime('2026-11-25T17:03:09.123Z')).toBe('2026-11-25 17:03:09Z');
    expect(formatTime('not a time')).toBe('not a time');
    expect(formatTime(null)).toBe('');
  });

  it('shortens git commits and content-hash revisions', () => {
    expect(shortRevision('0123456789abcdef0123')).toBe('0123456789ab');
    expect(shortRevision(`sha256:${'f'.repeat(64)}`)).toBe('sha256:ffffffffffff');
    expect(shortRevision(null)).toBe('');
  });
});

describe('known tags', () => {
  const A = `sha256:${'a'.repeat(64)}`;
  const B = `sha256:${'b'.repeat(64)}`;
  const service = {
    live: { image: `repo/actors@${A}` },
    desired: { digest: B, tag: '1.1.0' },
    currentRollout: null,
    recentRollouts: [
      {
        from: { image: `repo/actors@${B}`, digest: B },
        to: { image: `repo/actors@${A}`, digest: A, tag: '1.0.0' },
      },
    ],
  };

  it('maps digests to the tags the status names anywhere', () => {
    expect(knownTags(service)).toEqual(
      new Map([
        [B, '1.1.0'],
        [A, '1.0.0'],
      ]),
    );
  });

  it('fills in the tag of an image known only by digest, and keeps an own tag', () => {
    const tags = knownTags(service);
    expect(withKnownTag({ image: `repo/actors@${B}`, digest: B }, tags)).toEqual({
      image: `repo/actors@${B}`,
      digest: B,
      tag: '1.1.0',
    });
    expect(withKnownTag({ image: 'x', digest: B, tag: 'own' }, tags)?.tag).toBe('own');
    expect(withKnownTag({ image: 'repo/other@sha256:cc' }, tags)).toEqual({ image: 'repo/other@sha256:cc' });
    expect(withKnownTag(null, tags)).toBeNull();
  });

  it('gives the live image (digest parsed from the reference) its tag', () => {
    expect(liveImageStatus(service)).toEqual({ image: `repo/actors@${A}`, digest: A, tag: '1.0.0' });
    expect(liveImageStatus({ ...service, live: null })).toBeNull();
  });
});
