import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { WebConsoleMiddleware } from './web-console.middleware';

/** What the middleware does with one request: the file it sends (with headers), or next(). */
function serve(root: string, originalUrl: string, method = 'GET', acceptEncoding = ''): { file?: string; headers?: Record<string, string>; next: boolean } {
  const middleware = new WebConsoleMiddleware();
  Object.assign(middleware, { root });
  const result: { file?: string; headers?: Record<string, string>; next: boolean } = { next: false };
  const res = {
    sendFile: (file: string, options: { headers: Record<string, string> }) => Object.assign(result, { file, headers: options.headers }),
    headersSent: false,
  } as unknown as Response;
  middleware.use(
    { method, originalUrl, url: originalUrl, headers: { 'accept-encoding': acceptEncoding } } as unknown as Request,
    res,
    (() => (result.next = true)) as NextFunction,
  );
  return result;
}

describe('WebConsoleMiddleware', () => {
  const root = mkdtempSync(join(tmpdir(), 'cdtg-web-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html>');
  writeFileSync(join(root, 'sw.js'), '');
  writeFileSync(join(root, 'assets', 'index-abc.js'), '');

  it('serves built files, with index.html for client routes (the links in e-mails)', () => {
    expect(serve(root, '/')).toMatchObject({ file: 'index.html', next: false });
    expect(serve(root, '/accept-invitation?token=x')).toMatchObject({ file: 'index.html' });
    expect(serve(root, '/sign-in/link?token=x')).toMatchObject({ file: 'index.html' });
    expect(serve(root, '/assets/index-abc.js').headers!['Cache-Control']).toBe('public, max-age=31536000, immutable');
    const worker = serve(root, '/sw.js');
    expect(worker.headers).toMatchObject({ 'Cache-Control': 'no-cache', 'Service-Worker-Allowed': '/' });
    expect(serve(root, '/').headers!['Content-Security-Policy']).toContain("default-src 'self'");
  });

  it('sends the brotli or gzip copy made at build when the browser accepts it, with the original type', () => {
    writeFileSync(join(root, 'assets', 'index-abc.js.br'), '');
    writeFileSync(join(root, 'assets', 'index-abc.js.gz'), '');
    writeFileSync(join(root, 'index.html.gz'), '');
    const br = serve(root, '/assets/index-abc.js', 'GET', 'gzip, deflate, br, zstd');
    expect(br.file).toBe(join('assets', 'index-abc.js.br'));
    expect(br.headers).toMatchObject({ 'Content-Encoding': 'br', 'Content-Type': 'text/javascript; charset=utf-8', Vary: 'Accept-Encoding' });
    expect(serve(root, '/assets/index-abc.js', 'GET', 'gzip').headers!['Content-Encoding']).toBe('gzip');
    expect(serve(root, '/assets/index-abc.js', 'GET', 'br;q=0, gzip;q=0.5').headers!['Content-Encoding']).toBe('gzip');
    const plain = serve(root, '/assets/index-abc.js', 'GET', 'identity');
    expect(plain.file).toBe(join('assets', 'index-abc.js'));
    expect(plain.headers).toMatchObject({ Vary: 'Accept-Encoding' });
    expect(plain.headers!['Content-Encoding']).toBeUndefined();
    // A client route gets index.html's copy, with the page's security headers.
    const page = serve(root, '/accept-invitation?token=x', 'GET', 'br, gzip');
    expect(page).toMatchObject({ file: 'index.html.gz', headers: { 'Content-Encoding': 'gzip', 'Content-Type': 'text/html; charset=utf-8' } });
    expect(page.headers!['Content-Security-Policy']).toContain("default-src 'self'");
  });

  it('leaves API routes, other methods, unknown files and escapes alone', () => {
    for (const url of [
      '/graphql',
      '/graphql?query={version}',
      '/health/ready',
      '/exports/1?sig=x',
      '/calendar/m.ics',
      '/agenda/preference',
      '/missing.png',
      '/..%2f..%2fpackage.json',
      '/%2e%2e/%2e%2e/package.json',
    ]) {
      expect([url, serve(root, url).next]).toEqual([url, true]);
    }
    expect(serve(root, '/', 'POST').next).toBe(true);
  });
});
