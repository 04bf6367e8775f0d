import { EntityManager } from 'typeorm';
import { AppConfig } from '@cdtg/config';
import { DomainError, ErrorCode, Reason } from '@cdtg/errors';
import { Clock } from '@cdtg/time';
import { attemptCounts, pruneAttempts, recordAttempt } from './auth.repository';
import { AttemptKind } from './sign-in-attempt.entity';

const WINDOW_SECONDS = 60;

/**
 * Rate limits on signing in, kept in PostgreSQL so that every API instance shares them: failed attempts per account
 * and per client address within a minute, and e-mail link requests per address. Called under the account's
 * advisory lock, so concurrent attempts cannot slip past the count. Attempts are stamped and counted by the Clock.
 */
export class SignInLimits {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async check(manager: EntityManager, email: string | null, address: string): Promise<void> {
    const now = this.clock.now();
    const row = await attemptCounts(manager, email, address, { at: now, seconds: WINDOW_SECONDS });
    if (email && row.account_failures >= this.config.SIGNIN_MAX_FAILURES_PER_ACCOUNT) {
      throw limited(Reason.TooManySignInFailures, row.account_oldest, now);
    }
    if (row.address_count >= this.config.SIGNIN_MAX_FAILURES_PER_ADDRESS) {
      throw limited(Reason.TooManySignInAttempts, row.address_oldest, now);
    }
  }

  async record(manager: EntityManager, email: string | null, address: string, kind: AttemptKind, succeeded: boolean): Promise<void> {
    const now = this.clock.now();
    await recordAttempt(manager, { email, address, kind, succeeded, at: now });
    // Keep the record a month; pruning rides on writes (cheap with the time index, rare by chance).
    if (Math.random() < 0.01) await pruneAttempts(manager, now);
  }
}

function limited(reason: Reason, oldest: Date | null, now: Date): DomainError {
  const retry = oldest ? Math.max(1, Math.ceil(WINDOW_SECONDS - (now.getTime() - new Date(oldest).getTime()) / 1000)) : WINDOW_SECONDS;
  return DomainError.of(ErrorCode.RateLimited, reason, { seconds: retry }, { retryAfterSeconds: retry });
}
