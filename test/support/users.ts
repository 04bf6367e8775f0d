import { DataSource } from 'typeorm';
import { Role } from '@cdtg/access';
import { AuthService } from '@cdtg/accounts';
import { foldVietnamese } from '@cdtg/text';
import type { GqlResponse, TestApp } from './app';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  headers: Record<string, string>;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GqlResponse<T>>;
}

export interface UserSpec {
  email: string;
  role: Role;
  /** For Department and WardOfficer: a unit code (the version valid today unless asOf). */
  unitCode?: string;
  unitId?: string;
  groupId?: string;
  password?: string;
  displayName?: string;
}

let counter = 0;

/**
 * An active account with one grant, created directly in the database (as an administrator would have), then
 * signed in through the real signIn mutation.
 */
export async function createUser(t: TestApp, spec: UserSpec): Promise<TestUser> {
  const dataSource = t.app.get(DataSource);
  const auth = t.app.get(AuthService);
  const password = spec.password ?? `Mật-khẩu-thử-${++counter}-${Date.now()}`;
  const displayName = spec.displayName ?? spec.email.split('@')[0];
  const [user] = (await dataSource.query(
    `INSERT INTO user_account (email, display_name, name_search, password_hash, status) VALUES ($1, $2, $3, $4, 'active') RETURNING id`,
    [spec.email, displayName, foldVietnamese(`${displayName} ${spec.email}`), await auth.hasher.hash(password)],
  )) as { id: string }[];
  let unitId = spec.unitId ?? null;
  if (!unitId && spec.unitCode) {
    const [unit] = (await dataSource.query(`SELECT id FROM admin_unit WHERE code = $1 ORDER BY valid_to DESC NULLS FIRST LIMIT 1`, [spec.unitCode])) as {
      id: string;
    }[];
    unitId = unit.id;
  }
  await dataSource.query(`INSERT INTO role_grant (user_id, role, unit_id, group_id) VALUES ($1, $2, $3, $4)`, [
    user.id,
    spec.role,
    unitId,
    spec.groupId ?? null,
  ]);
  const res = await t.anonymous<{ signIn: { accessToken: string; refreshToken: string } }>(
    `mutation($email: String!, $password: String!) { signIn(input: { email: $email, password: $password }) { accessToken refreshToken } }`,
    { email: spec.email, password },
  );
  if (!res.data) throw new Error(`sign-in of test user failed: ${JSON.stringify(res.errors)}`);
  const headers = { authorization: `Bearer ${res.data.signIn.accessToken}` };
  return {
    id: user.id,
    email: spec.email,
    password,
    accessToken: res.data.signIn.accessToken,
    refreshToken: res.data.signIn.refreshToken,
    headers,
    gql: (query, variables) => t.anonymous(query, variables, headers),
  };
}
