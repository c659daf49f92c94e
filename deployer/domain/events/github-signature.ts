// GitHub webhook HMAC check; constant-time via @octokit/webhooks-methods. Bad input is "not verified", never a throw.
import { verify } from '@octokit/webhooks-methods';

export async function verifyGithubSignature(
  secret: string,
  rawBody: string | Uint8Array,
  signatureHeader: string | undefined,
): Promise<boolean> {
  if (!secret || typeof signatureHeader !== 'string' || !/^sha256=[0-9a-f]{64}$/.test(signatureHeader))
    return false;
  const body = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
  try {
    return await verify(secret, body, signatureHeader);
  } catch {
    return false;
  }
}
