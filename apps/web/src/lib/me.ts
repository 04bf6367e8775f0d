import { currentEnumName } from './enum-names';

export interface Unit {
  id: string;
  code: string;
  name: string;
  validTo?: string | null;
}

export interface GrantView {
  role: 'ADMIN' | 'DEPARTMENT' | 'WARD_OFFICER' | 'GROUP_LEAD' | 'VOLUNTEER';
  unit: Unit | null;
  groupId: string | null;
  group: { id: string; name: string } | null;
}

export interface Me {
  id: string;
  displayName: string;
  email: string;
  memberId: string | null;
  grants: GrantView[];
}

export const ME_QUERY = `query { me { id displayName email memberId grants { role groupId unit { id code name } group { id name } } } }`;

/** The account kept on the phone for offline use, with roles named as the API names them now. */
export function withCurrentRoles(me: Me): Me {
  return { ...me, grants: me.grants.map((g) => ({ ...g, role: currentEnumName(g.role) as GrantView['role'] })) };
}

export type Screen = 'lead' | 'officer' | 'department' | 'agenda';

/** The screens a user's grants open, in the order of the navigation. */
export function screensOf(me: Me): Screen[] {
  const roles = new Set(me.grants.map((g) => g.role));
  const screens: Screen[] = [];
  if (roles.has('GROUP_LEAD')) screens.push('lead');
  if (roles.has('WARD_OFFICER') || roles.has('ADMIN')) screens.push('officer');
  if (roles.has('DEPARTMENT') || roles.has('ADMIN')) screens.push('department');
  if (me.memberId || roles.has('VOLUNTEER')) screens.push('agenda');
  return screens;
}
