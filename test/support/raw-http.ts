// Raw bytes to a loopback HTTP server, for requests fetch() cannot send (malformed, hand-made headers).
import { connect } from 'node:net';

/** Sends `bytes` to 127.0.0.1:port and returns everything the server answers until it closes the connection. */
export function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    socket.write(bytes);
  });
}
