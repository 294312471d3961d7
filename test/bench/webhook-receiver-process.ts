/**
 * The webhook bench's receiver, in a process of its own so the API's event loop does nothing but
 * Opsplane's work: answers every POST with 204 at once and remembers, per `webhook-id` header
 * (the event) and path (the webhook), when it arrived. Reports over IPC when asked.
 */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';

const arrivals: [eventId: string, path: string, at: number][] = [];

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    arrivals.push([String(request.headers['webhook-id']), request.url ?? '', Date.now()]);
    response.statusCode = 204;
    response.end();
  });
});

server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});

process.on('message', (message: { take?: boolean; stop?: boolean }) => {
  if (message.take) process.send?.({ arrivals: arrivals.splice(0) });
  if (message.stop) server.close(() => process.exit(0));
});
