import { Module } from '@nestjs/common';
import { GeographyModule } from '@cdtg/geography';
import { AssistCorrectionService } from './assist-correction.service';
import { AssistLogService } from './assist-log.service';
import { AssistQueryService } from './assist-query.service';
import { AssistRepository } from './assist.repository';
import { EntryContextLoader } from './entry-context.loader';
import { FollowUpRepository } from './follow-up.repository';
import { HouseholdCountRepository } from './household-count.repository';
import { HouseholdCountService } from './household-count.service';
import { HouseholdKeyring } from './household-keyring.service';
import { HouseholdRekeyService } from './household-rekey.service';
import { HouseholdRepository } from './household.repository';

@Module({
  imports: [GeographyModule],
  providers: [
    AssistRepository,
    EntryContextLoader,
    FollowUpRepository,
    HouseholdRepository,
    HouseholdCountRepository,
    HouseholdKeyring,
    AssistLogService,
    AssistCorrectionService,
    AssistQueryService,
    HouseholdCountService,
    HouseholdRekeyService,
  ],
  exports: [AssistLogService, AssistCorrectionService, AssistQueryService, HouseholdCountService, HouseholdRekeyService],
})
export class AssistsModule {}
