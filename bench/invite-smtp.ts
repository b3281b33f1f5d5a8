/**
 * SMTP sink for bench:invite, in its own process so it doesn't share an event loop with either side
 * being measured: a real smtp-server on 127.0.0.1 that accepts every message and discards it,
 * counting messages and how many went to an address that already got one.
 *
 * IPC: sends `{ port }` when listening; answers `{ type: 'stats' }` with
 * `{ messages, recipients, duplicates }` and `{ type: 'reset' }` by zeroing the counters.
 */
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

let messages = 0;
let duplicates = 0;
let seen = new Set<string>();

const server = new SMTPServer({
  logger: false,
  secure: false,
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  size: 1024 * 1024,
  closeTimeout: 1000,
  onData(stream, session, callback) {
    stream.on('end', () => {
      messages++;
      for (const rcpt of session.envelope.rcptTo) {
        const address = rcpt.address.toLowerCase();
        if (seen.has(address)) duplicates++;
        else seen.add(address);
      }
      callback();
    });
    stream.resume();
  },
});
server.on('error', () => undefined); // a client that goes away mid-session is not the sink's problem

process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') process.send!({ messages, recipients: seen.size, duplicates });
  if (message.type === 'reset') {
    messages = 0;
    duplicates = 0;
    seen = new Set();
    process.send!({ reset: true });
  }
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
// The bench died without stopping us (killed): don't linger.
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => process.send!({ port: (server.server.address() as AddressInfo).port }));
