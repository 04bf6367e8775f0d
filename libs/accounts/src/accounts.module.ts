import { Module } from '@nestjs/common';
import { GeographyModule } from '@cdtg/geography';
import { NotificationsModule } from '@cdtg/notifications';
import { ActorService } from './actor.service';
import { AuthService } from './auth.service';
import { GrantsService } from './grants.service';
import { UsersService } from './users.service';

@Module({
  imports: [NotificationsModule, GeographyModule],
  providers: [AuthService, GrantsService, UsersService, ActorService],
  exports: [AuthService, GrantsService, UsersService, ActorService],
})
export class AccountsModule {}
