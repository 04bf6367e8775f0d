import { Controller, Get, HttpCode, Logger, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '@cdtg/errors';
import { AssignmentLinkService } from '@cdtg/sessions';
import { assignmentResponsePage, linkProblemPage } from './assignment-response.page';

/** Form bodies are tiny (an answer and a reason); more than this is refused. */
const MAX_FORM_BYTES = 4096;

/** Reads an application/x-www-form-urlencoded body (the app parses only JSON). */
async function formBody(req: Request): Promise<URLSearchParams> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) break;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * The signed link of an assignment notice (/r/<token>, short enough for an SMS): GET shows the session and the
 * answer so far; POST (answer=accept, or answer=decline with a reason) records the member's answer, with or without
 * an account; answer=stop-phone withdraws their consent to ZNS and SMS. A refusal (session started, reason
 * missing…) is said on the page in the member's language. A link this server did not sign (or whose assignment is
 * gone) gets a 404 page, any other error a 500 page: small HTML pages in Vietnamese with English below, never JSON.
 */
@Controller('r')
export class AssignmentResponseController {
  constructor(private readonly links: AssignmentLinkService) {}

  private readonly logger = new Logger(AssignmentResponseController.name);

  @Get(':token')
  async show(@Param('token') token: string, @Res() res: Response): Promise<void> {
    await this.guarded(res, () => this.page(res, token, {}));
  }

  @Post(':token')
  @HttpCode(200)
  async answer(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.guarded(res, async () => {
      if (!(await this.links.signedAssignment(token))) return this.problem(res, 'not-found');
      const form = await formBody(req);
      if (form.get('answer') === 'stop-phone') {
        await this.links.stopPhoneMessages(token);
        return this.page(res, token, { stopped: true });
      }
      const accept = form.get('answer') === 'accept';
      try {
        await this.links.respond(token, { accept, reason: accept ? null : (form.get('reason') ?? '') });
        await this.page(res, token, { saved: true });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        await this.page(res, token, { refusal: error.reason }, 409);
      }
    });
  }

  /** Any error: logged, and the member gets the error page rather than JSON. */
  private async guarded(res: Response, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.logger.error(`signed link: ${(error as Error).message}`, (error as Error).stack);
      if (!res.headersSent) this.problem(res, 'error', 500);
    }
  }

  private problem(res: Response, kind: 'not-found' | 'error', status = 404): void {
    res.status(status).type('text/html; charset=utf-8').set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).send(linkProblemPage(kind));
  }

  private async page(res: Response, token: string, note: { saved?: boolean; stopped?: boolean; refusal?: string }, status = 200): Promise<void> {
    const found = await this.links.signedAssignment(token);
    if (!found) return this.problem(res, 'not-found');
    res
      .status(status)
      .type('text/html; charset=utf-8')
      .set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' })
      .send(assignmentResponsePage(found, `/r/${encodeURIComponent(token)}`, note));
  }
}
