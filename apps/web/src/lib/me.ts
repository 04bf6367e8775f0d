export interface Unit {
  id: string;
  code: string;
  name: string;
  validTo?: string | null;
}

export interface GrantView {
  role: 'Admin' | 'Department' | 'WardOfficer' | 'GroupLead' | 'Volunteer';
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

export type Screen = 'lead' | 'officer' | 'department' | 'agenda';

/** The screens a user's grants open, in the order of the navigation. */
export function screensOf(me: Me): Screen[] {
  const roles = new Set(me.grants.map((g) => g.role));
  const screens: Screen[] = [];
  if (roles.has('GroupLead')) screens.push('lead');
  if (roles.has('WardOfficer') || roles.has('Admin')) screens.push('officer');
  if (roles.has('Department') || roles.has('Admin')) screens.push('department');
  if (me.memberId || roles.has('Volunteer')) screens.push('agenda');
  return screens;
}
