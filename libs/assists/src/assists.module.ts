import { Module } from '@nestjs/common';
import { GeographyModule } from '@cdtg/geography';
import { AssistCorrectionService } from './assist-correction.service';
import { AssistLogService } from './assist-log.service';
import { AssistQueryService } from './assist-query.service';
import { AssistRepository } from './assist.repository';
import { EntryContextLoader } from './entry-context.loader';
import { HouseholdCountService } from './household-count.service';
import { HouseholdKeyring } from './household-keyring.service';
import { HouseholdRekeyService } from './household-rekey.service';

@Module({
  imports: [GeographyModule],
  providers: [
    AssistRepository,
    EntryContextLoader,
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
