import { Global, Module } from '@nestjs/common';
import { AccessService } from './access.service';
import { SignedLinks } from './signed-links';

@Global()
@Module({ providers: [AccessService, SignedLinks], exports: [AccessService, SignedLinks] })
export class AccessModule {}
