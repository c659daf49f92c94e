// How messages name an image digest: `sha256:` and its first 12 hex digits, enough to tell images apart.
export const shortDigest = (digest: string | undefined): string =>
  digest?.slice(0, 19) ?? 'an image without a digest';
