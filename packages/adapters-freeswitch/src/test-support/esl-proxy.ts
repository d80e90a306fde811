import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { TraceRecorder } from './trace-file.js';

export interface EslProxyOptions {
  /** Where FreeSWITCH listens. */
  upstream: { host: string; port: number };
  /** Record what crosses the wire (see trace-file.ts). */
  record?: boolean;
}

/**
 * A TCP relay between the adapter and a real FreeSWITCH, so a test can cut
 * the Event Socket and keep it unreachable for a while (`cut`), and record
 * what crossed the wire.
 */
export class EslProxy {
  private readonly pairs = new Set<{ client: Socket; server: Socket; id: string | undefined }>();
  private refusing = false;
  private refuseTimer: ReturnType<typeof setTimeout> | undefined;
  private recorder: TraceRecorder | undefined;

  private server: Server = createServer();
  private listeningPort = 0;

  private constructor(private readonly options: EslProxyOptions) {
    this.recorder = options.record ? new TraceRecorder() : undefined;
  }

  static async start(options: EslProxyOptions): Promise<EslProxy> {
    const proxy = new EslProxy(options);
    proxy.listeningPort = await proxy.listen(0);
    return proxy;
  }

  get port(): number {
    return this.listeningPort;
  }

  get host(): string {
    return '127.0.0.1';
  }

  /** The recording so far (undefined unless recording). */
  get recording(): TraceRecorder | undefined {
    return this.recorder;
  }

  private listen(port: number): Promise<number> {
    this.server = createServer((client) => this.accept(client));
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  private accept(client: Socket): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const server = new Socket();
    // Small frames must not wait for Nagle's algorithm on either hop.
    client.setNoDelay(true);
    server.setNoDelay(true);
    const id = this.recorder?.openConnection();
    const pair = { client, server, id };
    this.pairs.add(pair);
    const close = (why: string) => {
      if (!this.pairs.delete(pair)) return;
      if (id) this.recorder?.note(id, why);
      client.destroy();
      server.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (id) this.recorder?.fromClient(id, chunk);
      server.write(chunk);
    });
    server.on('data', (chunk: Buffer) => {
      if (id) this.recorder?.fromServer(id, chunk);
      client.write(chunk);
    });
    client.on('close', () => close('closed by the client'));
    server.on('close', () => close('closed by FreeSWITCH'));
    client.on('error', () => close('client error'));
    server.on('error', () => close('FreeSWITCH unreachable'));
    server.connect(this.options.upstream.port, this.options.upstream.host);
  }

  /** Cuts every connection now and refuses new ones (connection refused) for `outageMs`. */
  async cut(outageMs: number): Promise<void> {
    this.refusing = true;
    this.server.close();
    for (const pair of [...this.pairs]) {
      this.pairs.delete(pair);
      if (pair.id) this.recorder?.note(pair.id, `cut by the test (unreachable for ${outageMs} ms)`);
      pair.client.destroy();
      pair.server.destroy();
    }
    clearTimeout(this.refuseTimer);
    this.refuseTimer = setTimeout(() => {
      this.refusing = false;
      this.listen(this.listeningPort).catch(() => undefined);
    }, outageMs);
  }

  async close(): Promise<void> {
    clearTimeout(this.refuseTimer);
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.server.destroy();
    }
    this.pairs.clear();
    await new Promise<void>((resolve) => (this.server.listening ? this.server.close(() => resolve()) : resolve()));
  }
}
