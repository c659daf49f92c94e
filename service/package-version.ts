// The application version reported on /version: package.json's `version`, read once at start.
// The Docker image copies package.json next to service/, so the same relative path works there.
import { readFileSync } from 'node:fs';

const PACKAGE_JSON = new URL('../package.json', import.meta.url);

export function readPackageVersion(file: URL | string = PACKAGE_JSON): string {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
  if (typeof parsed.version !== 'string' || parsed.version === '') {
    throw new Error(`${String(file)} has no "version" string`);
  }
  return parsed.version;
}
