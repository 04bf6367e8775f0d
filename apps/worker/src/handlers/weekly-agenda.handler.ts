import { Injectable } from '@nestjs/common';
import { HandlesJob, JobHandler, JobName, WeeklyAgendaPayload } from '@cdtg/queue';
import { AgendaService } from '@cdtg/sessions';
import { Clock } from '@cdtg/time';

/** Monday 07:00 (Vietnam): each volunteer's sessions of the coming 7 days, one e-mail each (see JOB_SCHEDULES). */
@Injectable()
@HandlesJob(JobName.WeeklyAgenda)
export class WeeklyAgendaHandler implements JobHandler<JobName.WeeklyAgenda> {
  constructor(
    private readonly agenda: AgendaService,
    private readonly clock: Clock,
  ) {}

  async handle(payload: WeeklyAgendaPayload): Promise<void> {
    await this.agenda.sendWeeklyAgenda(payload.asOf ? new Date(payload.asOf) : this.clock.now());
  }
}
