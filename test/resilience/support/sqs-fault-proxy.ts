// A loopback proxy in front of a local SQS (JSON protocol, `x-amz-target: AmazonSQS.<Action>`) that a
// test can make refuse chosen calls with 500 InternalError, as an SQS outage looks to the SDK; fail
// chosen entries of a SendMessageBatch while the others go through; and hold ReceiveMessage calls so
// that messages sent meanwhile come back in one batch.
// Errors: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html
// Partial batch failures: SendMessageBatch answers HTTP 200 and lists each failed entry under `Failed`
// (BatchResultErrorEntry: Id, SenderFault, Code, Message), "check for batch errors even when the call
// returns an HTTP status code of 200"
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html).
import { createServer, type Server } from 'node:http';
import { close, listen, readBody } from '../../../local/http-util.ts';

export interface SqsCall {
  action: string;
  /** The request's JSON body (QueueUrl, MessageBody, ...). */
  request: Record<string, unknown>;
}

/** An entry of a SendMessageBatch request. */
export interface SqsBatchEntry {
  Id: string;
  MessageGroupId?: string;
}

/** Entries of one SendMessageBatch to hold back from the queue and answer as failed. */
export interface SqsBatchFault {
  entries: SqsBatchEntry[];
  /** true: the sender's fault (InvalidParameterValue, not to be retried); false: SQS's (InternalError). */
  senderFault: boolean;
}

export interface SqsFaultProxy {
  endpoint: string;
  /** Every call received, refused or not, oldest first. */
  readonly calls: SqsCall[];
  /** Calls for which this returns true are refused (undefined: none). */
  refuse: ((call: SqsCall) => boolean) | undefined;
  /** Called with the entries of each SendMessageBatch; the entries it returns fail, the others are sent. */
  failBatch: ((entries: SqsBatchEntry[]) => SqsBatchFault | undefined) | undefined;
  /** Every refused call, oldest first. */
  readonly refused: SqsCall[];
  /** Bodies of the ReceiveMessage answers forwarded, oldest first. */
  readonly receiveAnswers: string[];
  /**
   * ReceiveMessage calls from now on wait for releaseReceives(); resolves once one waits (so the
   * receive that was in flight before has returned).
   */
  holdReceives(): Promise<void>;
  releaseReceives(): void;
  /** Resolves once `condition` holds, checked now and after every refused or answered call. */
  until(condition: () => boolean): Promise<void>;
  stop(): Promise<void>;
}

export async function startSqsFaultProxy(upstream: string): Promise<SqsFaultProxy> {
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => {};
  const watchers = new Set<() => void>();
  let held = false;
  let onHeld: () => void = () => {};
  const proxy: Omit<SqsFaultProxy, 'endpoint' | 'stop'> = {
    calls: [],
    refuse: undefined,
    failBatch: undefined,
    refused: [],
    receiveAnswers: [],
    holdReceives() {
      held = true;
      gate = new Promise((resolve) => {
        open = resolve;
      });
      return new Promise((resolve) => {
        onHeld = resolve;
      });
    },
    releaseReceives() {
      held = false;
      open();
      gate = Promise.resolve();
    },
    until(condition) {
      return new Promise((resolve) => {
        const check = () => {
          if (!condition()) return;
          watchers.delete(check);
          resolve();
        };
        watchers.add(check);
        check();
      });
    },
  };
  const server: Server = createServer((request, response) => {
    void (async () => {
      let body = await readBody(request);
      const action = String(request.headers['x-amz-target'] ?? '').replace('AmazonSQS.', '');
      const call: SqsCall = { action, request: body ? (JSON.parse(body) as Record<string, unknown>) : {} };
      proxy.calls.push(call);
      if (action === 'ReceiveMessage') {
        if (held) onHeld();
        await gate;
      }
      if (proxy.refuse?.(call)) {
        proxy.refused.push(call);
        for (const watcher of [...watchers]) watcher();
        response.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(
          JSON.stringify({ __type: 'com.amazonaws.sqs#InternalError', message: 'injected outage' }),
        );
        return;
      }
      const entries = action === 'SendMessageBatch' ? (call.request.Entries as SqsBatchEntry[]) : [];
      const fault = action === 'SendMessageBatch' ? proxy.failBatch?.(entries) : undefined;
      const failing = new Set(fault?.entries.map((entry) => entry.Id));
      const passing = entries.filter((entry) => !failing.has(entry.Id));
      if (failing.size > 0) body = JSON.stringify({ ...call.request, Entries: passing });
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(request.headers))
        if (typeof value === 'string' && key !== 'host' && key !== 'content-length') headers[key] = value;
      try {
        // Every entry held back: SQS itself would refuse an empty batch, so answer for it.
        const answer =
          failing.size > 0 && passing.length === 0
            ? new Response(JSON.stringify({ Successful: [], Failed: [] }), { status: 200 })
            : await fetch(`${upstream}${request.url ?? '/'}`, { method: request.method, headers, body });
        let text = await answer.text();
        if (fault && failing.size > 0 && answer.ok)
          text = withFailedEntries(text, [...failing], fault.senderFault);
        if (action === 'ReceiveMessage') proxy.receiveAnswers.push(text);
        for (const watcher of [...watchers]) watcher();
        response.writeHead(answer.status, {
          'content-type': answer.headers.get('content-type') ?? 'application/x-amz-json-1.0',
        });
        response.end(text);
      } catch (error) {
        response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(`sqs-fault-proxy: ${upstream} did not answer: ${String(error)}`);
      }
    })();
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  const port = await listen(server, 0);
  return Object.assign(proxy, {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      held = false;
      open();
      server.closeAllConnections();
      await close(server);
    },
  });
}

/** A SendMessageBatch answer with `ids` added to its Failed list. */
function withFailedEntries(answer: string, ids: string[], senderFault: boolean): string {
  const parsed = JSON.parse(answer) as { Successful?: unknown[]; Failed?: unknown[] };
  parsed.Failed = [
    ...(parsed.Failed ?? []),
    ...ids.map((Id) => ({
      Id,
      SenderFault: senderFault,
      Code: senderFault ? 'InvalidParameterValue' : 'InternalError',
      Message: 'failed by the sqs-fault-proxy',
    })),
  ];
  return JSON.stringify(parsed);
}

/** The queue message kind a SendMessage carries, if its body is a deployer message. */
export function sentKind(call: SqsCall): string | undefined {
  if (call.action !== 'SendMessage' || typeof call.request.MessageBody !== 'string') return undefined;
  try {
    return (JSON.parse(call.request.MessageBody) as { kind?: string }).kind;
  } catch {
    return undefined;
  }
}
