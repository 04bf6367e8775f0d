import { AuthSession, OneTimeToken, RefreshToken, RoleGrant, SignInAttempt, UserAccount } from '@cdtg/accounts';
import { AssistEntry, Household, HouseholdCount, HouseholdKey } from '@cdtg/assists';
import { AuditEvent } from '@cdtg/audit';
import { ALL_MIGRATIONS, DataModel } from '@cdtg/database';
import { DirectoryImport, Member, Membership, Skill, VolunteerGroup } from '@cdtg/directory';
import { AdminUnit, Reorganisation, ReorganisationLink, UnitLineage } from '@cdtg/geography';
import { EmailMessage, Notice, NoticeAttempt, NoticeConsent, NoticeProviderToken } from '@cdtg/notifications';
import { ChangeEvent, OutboxMessage } from '@cdtg/queue';
import { ROLLUP_ENTITIES } from '@cdtg/rollups';
import { NoticePreference, SessionAssignment, SessionSchedule, TrainingSession, TrainingTopic } from '@cdtg/sessions';

/**
 * Every entity of every feature lib and every migration: the one list behind the apps' DataSource, the
 * migration CLI and the test database. A new entity that is missing here fails the drift test.
 */
export const DATA_MODEL: DataModel = {
  entities: [
    OutboxMessage,
    ChangeEvent,
    EmailMessage,
    Notice,
    NoticeAttempt,
    NoticeConsent,
    NoticeProviderToken,
    AuditEvent,
    AdminUnit,
    Reorganisation,
    ReorganisationLink,
    UnitLineage,
    VolunteerGroup,
    Member,
    Membership,
    Skill,
    DirectoryImport,
    UserAccount,
    RoleGrant,
    AuthSession,
    RefreshToken,
    OneTimeToken,
    SignInAttempt,
    Household,
    HouseholdKey,
    AssistEntry,
    HouseholdCount,
    TrainingTopic,
    TrainingSession,
    SessionSchedule,
    SessionAssignment,
    NoticePreference,
    ...ROLLUP_ENTITIES,
  ],
  migrations: ALL_MIGRATIONS,
};
