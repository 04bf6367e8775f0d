import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/** A link between a phone and the API: the capacity of each direction and the round-trip time. */
export interface LinkShape {
  /** Capacity of each direction in bits per second, shared by every connection (one phone's radio link). Infinity: unshaped. */
  bitsPerSecond: number;
  /** Round-trip time: every byte reaches the other end half of it after it left. */
  rttMs: number;
}

/** Application bytes (HTTP headers and bodies; no TCP/IP or TLS overhead) put on the link, and the connections opened. */
export interface LinkCounters {
  up: number;
  down: number;
  connections: number;
}

/** The largest piece the link sends at once (a TCP segment's payload on a 1,500-byte MTU). */
const SEGMENT = 1_460;

/**
 * One direction of the link: a serialiser (bytes leave one after the other at the link's rate, whatever connection
 * they belong to) followed by a fixed one-way delay. Returns when each piece reaches the far end; those times never go
 * back, so pieces arrive in the order they were offered.
 */
class Direction {
  private freeAt = 0;
  bytes = 0;

  constructor(
    private readonly bytesPerMs: number,
    private readonly oneWayMs: number,
  ) {}

  /** When `n` bytes offered now (but not sent before `notBefore`) arrive at the far end. */
  arrival(n: number, notBefore = 0): number {
    const start = Math.max(performance.now(), this.freeAt, notBefore);
    this.freeAt = start + n / this.bytesPerMs;
    this.bytes += n;
    return this.freeAt + this.oneWayMs;
  }
}

type Delivery = { at: number; data?: Buffer; end?: true; reset?: true };

/** Writes what arrives to `socket` at its time, in order. */
class Outlet {
  private readonly queue: Delivery[] = [];
  private timer?: NodeJS.Timeout;

  constructor(private readonly socket: Socket) {}

  push(delivery: Delivery): void {
    this.queue.push(delivery);
    this.flush();
  }

  private flush = (): void => {
    this.timer = undefined;
    const now = performance.now();
    while (this.queue.length && this.queue[0].at <= now + 0.5) {
      const d = this.queue.shift()!;
      if (this.socket.destroyed) continue;
      if (d.reset) this.socket.resetAndDestroy();
      else if (d.end) this.socket.end();
      else this.socket.write(d.data!);
    }
    if (this.queue.length && !this.timer) this.timer = setTimeout(this.flush, Math.max(0, this.queue[0].at - now));
  };

  stop(): void {
    clearTimeout(this.timer);
    this.queue.length = 0;
  }
}

/**
 * A TCP proxy on 127.0.0.1 that shapes the loopback like a slow mobile link: each direction has a capacity (a
 * serialiser shared by every connection: one phone) and a one-way delay of half the round trip, every piece delivered
 * no earlier than that after it was sent and after the piece before it. A new connection costs one round trip (the
 * TCP handshake) before its first byte leaves. Not modelled: TCP slow start and loss, TLS, IP/TCP header bytes.
 */
export class ShapedLink {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly outlets = new Set<Outlet>();
  private readonly upLink: Direction;
  private readonly downLink: Direction;
  private cutArmed = false;
  connections = 0;
  port = 0;

  constructor(
    private readonly target: { host: string; port: number },
    readonly shape: LinkShape,
  ) {
    const bytesPerMs = shape.bitsPerSecond / 8 / 1000;
    this.upLink = new Direction(bytesPerMs, shape.rttMs / 2);
    this.downLink = new Direction(bytesPerMs, shape.rttMs / 2);
  }

  /** Starts listening on 127.0.0.1, on a free port. */
  static async open(target: { host: string; port: number }, shape: LinkShape): Promise<ShapedLink> {
    const link = new ShapedLink(target, shape);
    await link.listen();
    return link;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get counters(): LinkCounters {
    return { up: this.upLink.bytes, down: this.downLink.bytes, connections: this.connections };
  }

  /**
   * The next answer the server starts to send is lost: its connection is reset (the phone learns of it half a round
   * trip later), as when the signal drops after the server has done the work but before the phone heard back.
   */
  cutNextAnswer(): void {
    this.cutArmed = true;
  }

  private async listen(): Promise<void> {
    this.server = createServer((phone) => this.accept(phone));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  private accept(phone: Socket): void {
    this.connections++;
    phone.setNoDelay(true);
    // The phone's bytes may leave only once the handshake is done: one round trip after it connected.
    const handshakeDone = performance.now() + this.shape.rttMs;
    const api = new Socket();
    api.setNoDelay(true);
    const toApi = new Outlet(api);
    const toPhone = new Outlet(phone);
    this.sockets.add(phone).add(api);
    this.outlets.add(toApi).add(toPhone);
    const drop = () => {
      toApi.stop();
      toPhone.stop();
      this.outlets.delete(toApi);
      this.outlets.delete(toPhone);
      phone.destroy();
      api.destroy();
      this.sockets.delete(phone);
      this.sockets.delete(api);
    };
    let cut = false;
    phone.on('error', drop).on('close', drop);
    // Once cut, the API's side waits for the phone's reset to end both.
    api.on('error', () => !cut && drop()).on('close', () => !cut && drop());
    const carry = (chunk: Buffer, link: Direction, outlet: Outlet, notBefore = 0) => {
      for (let i = 0; i < chunk.length; i += SEGMENT) {
        const data = chunk.subarray(i, i + SEGMENT);
        outlet.push({ at: link.arrival(data.length, notBefore), data });
      }
    };
    phone.on('data', (chunk: Buffer) => carry(chunk, this.upLink, toApi, handshakeDone));
    phone.on('end', () => toApi.push({ at: this.upLink.arrival(0, handshakeDone), end: true }));
    api.on('data', (chunk: Buffer) => {
      if (cut) return;
      if (this.cutArmed) {
        this.cutArmed = false;
        cut = true;
        toPhone.push({ at: performance.now() + this.shape.rttMs / 2, reset: true });
        return;
      }
      carry(chunk, this.downLink, toPhone);
    });
    api.on('end', () => !cut && toPhone.push({ at: this.downLink.arrival(0), end: true }));
    api.connect(this.target.port, this.target.host); // writes before it connects are buffered by the socket
  }

  async close(): Promise<void> {
    for (const outlet of this.outlets) outlet.stop();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
