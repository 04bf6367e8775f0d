import { existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** Paths that belong to the API itself: never answered with the console, whatever is built. */
const API_PATHS = /^\/(graphql|health|exports|calendar|agenda|r|callbacks)(\/|$|\?)/;

/** Where `vite build` writes the console: dist/web, seen from dist/apps/api/src/web (built) or apps/api/src/web (tests). */
export function findWebRoot(from = __dirname): string | null {
  for (const candidate of [join(from, '../../../../web'), join(from, '../../../../dist/web')]) {
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return null;
}

/** Files the build compresses (apps/web/vite.config.mts), with their types. */
const COMPRESSIBLE = /\.(js|css|html|svg|webmanifest|json)$/;
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json; charset=utf-8',
};
/** True when an Accept-Encoding header accepts the encoding (listed, or "*", with a q above 0). */
export function accepts(header: string, encoding: string): boolean {
  return header.split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return (name.trim() === encoding || name.trim() === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });
}

const contentType = (file: string) => TYPES[extname(file)] ?? 'application/octet-stream';

/** Security headers of the console's pages: only this origin, inline styles for the charts, not framed. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/**
 * Serves the web console (apps/web, built into dist/web) at `/`: files as they are, or their brotli/gzip copy made at
 * build when the browser accepts it (hashed assets cached for a year, the service worker and index.html never cached), and index.html for client routes (paths without an extension),
 * so `/accept-invitation?token=…` from an e-mail opens the console. API routes pass through untouched.
 */
@Injectable()
export class WebConsoleMiddleware implements NestMiddleware {
  private readonly root = findWebRoot();

  constructor() {
    if (!this.root) new Logger('WebConsole').warn('The web console is not built (npm run build): / serves nothing');
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if (!this.root || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    // The full path: a middleware mounted on a pattern sees req.path relative to what the pattern matched.
    const path = (req.originalUrl ?? req.url).split('?')[0];
    if (API_PATHS.test(path)) return next();
    const file = this.fileFor(path);
    if (file) return this.send(req, res, file, next);
    if (extname(path) === '') return this.send(req, res, 'index.html', next);
    next();
  }

  /** The file a path names inside the root, or null (no traversal outside it, directories excluded). */
  private fileFor(path: string): string | null {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return null;
    }
    const relative = normalize(decoded).replace(/^[/\\]+/, '');
    if (relative === '' || relative.split(sep).includes('..') || relative.includes('\0')) return null;
    const full = join(this.root!, relative);
    try {
      return statSync(full).isFile() ? relative : null;
    } catch {
      return null;
    }
  }

  /** The precompressed copy (written by the build next to the file) that the browser accepts: brotli, then gzip. */
  private encodingFor(req: Request, relative: string): { suffix: string; encoding: string } | null {
    const accepted = String(req.headers?.['accept-encoding'] ?? '');
    for (const [encoding, suffix] of [
      ['br', '.br'],
      ['gzip', '.gz'],
    ]) {
      if (!accepts(accepted, encoding)) continue;
      try {
        if (statSync(join(this.root!, relative + suffix)).isFile()) return { suffix, encoding };
      } catch {
        // no compressed copy of this file
      }
    }
    return null;
  }

  private send(req: Request, res: Response, relative: string, next: NextFunction): void {
    const immutable = relative.startsWith(`assets${sep}`) || relative.startsWith('assets/');
    const headers: Record<string, string> = {
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    };
    if (relative.endsWith('.html'))
      Object.assign(headers, { 'Content-Security-Policy': CONSOLE_CSP, 'Referrer-Policy': 'same-origin', 'X-Frame-Options': 'DENY' });
    if (relative === 'sw.js') headers['Service-Worker-Allowed'] = '/';
    const compressed = this.encodingFor(req, relative);
    if (compressed) {
      // The type of the original (send would name the type of the .br file), the encoding, and caches told it varies.
      Object.assign(headers, { 'Content-Encoding': compressed.encoding, 'Content-Type': contentType(relative), Vary: 'Accept-Encoding' });
    } else if (COMPRESSIBLE.test(relative)) headers.Vary = 'Accept-Encoding';
    res.sendFile(relative + (compressed?.suffix ?? ''), { root: this.root!, headers, dotfiles: 'deny', lastModified: true, etag: true }, (error) => {
      if (error && !res.headersSent) next(error);
    });
  }
}
