import { Controller, Get, HttpCode, NotFoundException, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '@cdtg/errors';
import { AssignmentLinkService } from '@cdtg/sessions';
import { assignmentResponsePage } from './assignment-response.page';

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
 * an account; answer=stop-phone withdraws their consent to ZNS and SMS. A link this server did not sign gets 404; a refusal (session started, reason missing…) is said on
 * the page in the member's language.
 */
@Controller('r')
export class AssignmentResponseController {
  constructor(private readonly links: AssignmentLinkService) {}

  @Get(':token')
  async show(@Param('token') token: string, @Res() res: Response): Promise<void> {
    await this.page(res, token, {});
  }

  @Post(':token')
  @HttpCode(200)
  async answer(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!(await this.links.signedAssignment(token))) throw new NotFoundException('No such link');
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
  }

  private async page(res: Response, token: string, note: { saved?: boolean; stopped?: boolean; refusal?: string }, status = 200): Promise<void> {
    const found = await this.links.signedAssignment(token);
    if (!found) throw new NotFoundException('No such link');
    res
      .status(status)
      .type('text/html; charset=utf-8')
      .set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' })
      .send(assignmentResponsePage(found, `/r/${encodeURIComponent(token)}`, note));
  }
}
