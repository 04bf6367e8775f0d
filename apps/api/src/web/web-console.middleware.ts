import { existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** Paths that belong to the API itself: never answered with the console, whatever is built. */
const API_PATHS = /^\/(graphql|health|exports|calendar|agenda)(\/|$|\?)/;

/** Where `vite build` writes the console: dist/web, seen from dist/apps/api/src/web (built) or apps/api/src/web (tests). */
export function findWebRoot(from = __dirname): string | null {
  for (const candidate of [join(from, '../../../../web'), join(from, '../../../../dist/web')]) {
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return null;
}

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
 * Serves the web console (apps/web, built into dist/web) at `/`: files as they are (hashed assets cached for a year,
 * the service worker and index.html never cached), and index.html for client routes (paths without an extension),
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
    if (file) return this.send(res, file, next);
    if (extname(path) === '') return this.send(res, 'index.html', next);
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

  private send(res: Response, relative: string, next: NextFunction): void {
    const immutable = relative.startsWith(`assets${sep}`) || relative.startsWith('assets/');
    const headers: Record<string, string> = {
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    };
    if (relative.endsWith('.html'))
      Object.assign(headers, { 'Content-Security-Policy': CONSOLE_CSP, 'Referrer-Policy': 'same-origin', 'X-Frame-Options': 'DENY' });
    if (relative === 'sw.js') headers['Service-Worker-Allowed'] = '/';
    res.sendFile(relative, { root: this.root!, headers, dotfiles: 'deny', lastModified: true, etag: true }, (error) => {
      if (error && !res.headersSent) next(error);
    });
  }
}
