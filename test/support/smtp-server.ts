import { ParsedMail, simpleParser } from 'mailparser';
import { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { SMTPServer } from 'smtp-server';

/** One message as the server received it: the SMTP envelope, the raw RFC 822 source and its parsed form. */
export interface ReceivedEmail {
  envelope: { from: string | false; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
}

interface Waiter {
  count: number;
  resolve: (messages: ReceivedEmail[]) => void;
}

/**
 * A real SMTP server on 127.0.0.1 (random port, no TLS, no auth) that keeps every message it accepts.
 * `reject()` makes it refuse a recipient at RCPT TO, for bounce and retry tests.
 */
export interface TestSmtpOptions {
  /** Wait this long before accepting each message's DATA: keeps sends in flight (shutdown and fault tests). */
  dataDelayMs?: number;
}

export class TestSmtpServer {
  readonly messages: ReceivedEmail[] = [];
  /** Messages whose DATA began (accepted or still being received). */
  dataStarted = 0;
  private readonly rejections = new Map<string, { code: number; message: string }>();
  private waiters: Waiter[] = [];
  private holding = false;
  /** Messages taken in but never answered since `holdReplies()`. */
  held = 0;
  private server: SMTPServer;
  private port = 0;

  static async start(options: TestSmtpOptions = {}): Promise<TestSmtpServer> {
    const instance = new TestSmtpServer(options);
    await instance.listen();
    return instance;
  }

  private constructor(options: TestSmtpOptions) {
    this.server = new SMTPServer({
      logger: false,
      secure: false,
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      // Pooled clients keep connections open; don't let close() wait the default 30 s for them.
      closeTimeout: 1000,
      onRcptTo: (address, _session, callback) => {
        const rejection = this.rejections.get(address.address.toLowerCase());
        if (!rejection) return callback();
        callback(Object.assign(new Error(rejection.message), { responseCode: rejection.code }));
      },
      onData: (stream, session, callback) => {
        this.dataStarted++;
        this.receive(stream, options.dataDelayMs ?? 0, {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : false,
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
        }).then(() => callback(), callback);
      },
    });
  }

  /** `smtp://127.0.0.1:<port>`, ready for SMTP_URL. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Refuse `address` at RCPT TO with `code`: 5xx is a permanent rejection (hard bounce), 4xx a transient one. */
  reject(address: string, code: number, message = code >= 500 ? 'Mailbox unavailable' : 'Try again later'): void {
    this.rejections.set(address.toLowerCase(), { code, message });
  }

  /**
   * From now on, takes each message in but never answers its end of data: the client stays stuck
   * mid-send, and the message is neither accepted nor kept (as a real server drops a message whose
   * client goes away before the reply). For killing a sender at a moment when nothing it sent is
   * accepted but unrecorded.
   */
  holdReplies(): void {
    this.holding = true;
  }

  /** Resolves with all messages once at least `count` have arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs = 5000): Promise<ReceivedEmail[]> {
    if (this.messages.length >= count) return Promise.resolve([...this.messages]);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        count,
        resolve: (messages) => {
          clearTimeout(timer);
          resolve(messages);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`SMTP server got ${this.messages.length} of ${count} messages within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Forgets received messages (not rejections), so one server can serve several tests. */
  clear(): void {
    this.messages.length = 0;
  }

  /** Close the clients' transports first, or this waits up to `closeTimeout` for their connections. */
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private async receive(stream: Readable, delayMs: number, envelope: ReceivedEmail['envelope']): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const raw = Buffer.concat(chunks);
    const parsed = await simpleParser(raw);
    if (this.holding) {
      this.held++;
      return new Promise(() => undefined); // never answered
    }
    this.messages.push({ envelope, raw, parsed });
    const ready = this.waiters.filter((w) => this.messages.length >= w.count);
    this.waiters = this.waiters.filter((w) => this.messages.length < w.count);
    for (const waiter of ready) waiter.resolve([...this.messages]);
  }
}
