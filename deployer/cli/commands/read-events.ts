// A minimal server-sent events client over fetch (Node has no EventSource): one request, events yielded
// as they arrive, the same actionable errors as callDeployer for an unreachable deployer or a bad token.
import { authError, type ClientOptions, callDeployer, DeployerClientError } from '../deployer-client.ts';

export interface ServerSentEvent {
  event: string;
  data: string;
}

export async function* readEvents(options: ClientOptions, path: string): AsyncGenerator<ServerSentEvent> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(`${options.url}${path}`, { headers });
  } catch {
    // Let the JSON client word the failure (unreachable: exit 3).
    await callDeployer(options, 'GET', path);
    throw new DeployerClientError(`cannot reach the deployer at ${options.url}`, 3);
  }
  if (response.status === 401 || response.status === 403) {
    const body = await response.json().catch(() => undefined);
    throw authError(options, response.status, body);
  }
  if (!response.ok || !response.body) {
    const text = await response.text().catch(() => '');
    throw new DeployerClientError(
      `the deployer answered HTTP ${response.status} for ${path}${text ? `: ${text.slice(0, 200)}` : ''}`,
      1,
    );
  }
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true }).replaceAll('\r\n', '\n');
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = parseBlock(block);
      if (event) yield event;
      end = buffer.indexOf('\n\n');
    }
  }
}

/** One event block; comments (keep-alives) and `retry:` lines yield nothing. */
export function parseBlock(block: string): ServerSentEvent | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length === 0 ? undefined : { event, data: data.join('\n') };
}
