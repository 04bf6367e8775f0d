import { AddressInfo, createConnection, createServer, Server, Socket } from 'node:net';
import { ShapedLink } from '../bench/shaped-link';

/** The benchmark's slow link (scenario 12): it delays by the round trip and caps the rate, in order, and counts. */
describe('ShapedLink', () => {
  let echo: Server;
  let link: ShapedLink;
  const sockets: Socket[] = [];
  // 1 Mbit/s (125,000 bytes/s) each way, 100 ms round trip: 50 KB take 0.4 s to send.
  const shape = { bitsPerSecond: 1_000_000, rttMs: 100 };

  beforeAll(async () => {
    echo = createServer((s) => s.pipe(s));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  });
  beforeEach(async () => {
    link = await ShapedLink.open({ host: '127.0.0.1', port: (echo.address() as AddressInfo).port }, shape);
  });
  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.destroy());
    await link.close();
  });
  afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

  const connect = async () => {
    const socket = createConnection(link.port, '127.0.0.1');
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    return socket;
  };
  /** Sends `data` and resolves with what came back once `length` bytes did, and how long it took (ms). */
  const roundTrip = (socket: Socket, data: Buffer) =>
    new Promise<{ back: Buffer; ms: number }>((resolve, reject) => {
      const started = performance.now();
      const chunks: Buffer[] = [];
      let got = 0;
      const onData = (chunk: Buffer) => {
        chunks.push(chunk);
        got += chunk.length;
        if (got >= data.length) {
          socket.off('data', onData);
          resolve({ back: Buffer.concat(chunks), ms: performance.now() - started });
        }
      };
      socket.on('data', onData).once('error', reject);
      socket.write(data);
    });

  it('sends 50 KB no faster than its rate, after the handshake and the round trip, in order', async () => {
    const data = Buffer.from(Array.from({ length: 50_000 }, (_, i) => i % 251));
    const socket = await connect();
    const { back, ms } = await roundTrip(socket, data);
    expect(back.equals(data)).toBe(true);
    // Handshake (one round trip), 0.4 s to send, half a round trip there, the last segment back and half a round trip.
    const least = shape.rttMs + (data.length * 8 * 1000) / shape.bitsPerSecond + shape.rttMs;
    expect(ms).toBeGreaterThanOrEqual(least - 2);
    expect(ms).toBeLessThan(least + 400);
    expect(link.counters).toEqual({ up: 50_000, down: 50_000, connections: 1 });
  });

  it('delays one byte by the round trip on an open connection', async () => {
    const socket = await connect();
    await roundTrip(socket, Buffer.from('a')); // the handshake's round trip
    const { back, ms } = await roundTrip(socket, Buffer.from('b'));
    expect(back.toString()).toBe('b');
    expect(ms).toBeGreaterThanOrEqual(shape.rttMs - 2);
    expect(ms).toBeLessThan(shape.rttMs + 150);
  });

  it('shares each direction between connections, as one phone', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    const data = Buffer.alloc(25_000, 7);
    const [x, y] = await Promise.all([roundTrip(a, data), roundTrip(b, data)]);
    // Together 50 KB: 0.4 s of sending, whichever connection they came from.
    expect(Math.max(x.ms, y.ms)).toBeGreaterThanOrEqual(2 * shape.rttMs + 400 - 2);
    expect(link.counters.connections).toBe(2);
  });

  it('loses the next answer when cut: the phone sees its connection reset', async () => {
    const socket = await connect();
    link.cutNextAnswer();
    const closed = new Promise<string>((resolve) =>
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')).once('close', () => resolve('closed')),
    );
    socket.write('lost');
    expect(await closed).toBe('ECONNRESET');
    const again = await connect();
    expect((await roundTrip(again, Buffer.from('kept'))).back.toString()).toBe('kept');
  });
});
