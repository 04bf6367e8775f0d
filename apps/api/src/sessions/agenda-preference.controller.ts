import { Controller, Get, HttpCode, NotFoundException, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AgendaService } from '@cdtg/sessions';
import { agendaPreferencePage } from './agenda-preference.page';

/**
 * The weekly agenda e-mail's signed link (/agenda/preference?member=<id>&sig=<signature>):
 * GET shows the member's choice with a button; POST changes it (subscribe=true to resume; anything else, including
 * a mail app's RFC 8058 one-click "List-Unsubscribe=One-Click", unsubscribes). A wrong signature gets 404.
 */
@Controller('agenda/preference')
export class AgendaPreferenceController {
  constructor(private readonly agenda: AgendaService) {}

  @Get()
  async show(@Query('member') member: string, @Query('sig') signature: string, @Res() res: Response): Promise<void> {
    await this.answer(res, member, signature, undefined);
  }

  @Post()
  @HttpCode(200)
  async change(
    @Query('member') member: string,
    @Query('sig') signature: string,
    @Query('subscribe') subscribe: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    await this.answer(res, member, signature, subscribe === 'true');
  }

  private async answer(res: Response, member: string, signature: string, subscribe: boolean | undefined): Promise<void> {
    const preference = await this.agenda.signedWeeklyAgendaPreference(String(member ?? ''), String(signature ?? ''), subscribe);
    if (!preference) throw new NotFoundException('No such link');
    const self = `/agenda/preference?member=${encodeURIComponent(member)}&sig=${encodeURIComponent(signature)}`;
    res
      .status(200)
      .type('text/html; charset=utf-8')
      .set('Cache-Control', 'no-store')
      .send(agendaPreferencePage(preference, self, subscribe !== undefined));
  }
}
