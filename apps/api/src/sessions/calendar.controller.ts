import { Controller, Get, NotFoundException, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AgendaService } from '@cdtg/sessions';

/**
 * GET /calendar/<memberId>.ics?sig=<signature>: a volunteer's sessions as an iCalendar feed, for the calendar app
 * of their phone (which cannot sign in: the link is signed instead). A wrong signature and an unknown member get
 * the same 404.
 */
@Controller('calendar')
export class CalendarController {
  constructor(private readonly agenda: AgendaService) {}

  @Get(':file')
  async feed(@Param('file') file: string, @Query('sig') signature: string, @Res() res: Response): Promise<void> {
    const ics = await this.agenda.signedCalendarFeed(file.replace(/\.ics$/i, ''), String(signature ?? ''));
    if (ics === null) throw new NotFoundException('No such calendar');
    res
      .status(200)
      .type('text/calendar; charset=utf-8')
      .set({ 'Cache-Control': 'private, max-age=300', 'Content-Disposition': 'inline; filename="cdtg.ics"' })
      .send(ics);
  }
}
