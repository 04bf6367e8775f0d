export enum GroupStatus {
  Active = 'active',
  Suspended = 'suspended',
  Dissolved = 'dissolved',
}

export enum MemberRole {
  Leader = 'leader',
  Deputy = 'deputy',
  Member = 'member',
}

export enum Gender {
  Female = 'female',
  Male = 'male',
  Other = 'other',
}

export enum Affiliation {
  YouthUnion = 'youth_union',
  Police = 'police',
  WomensUnion = 'womens_union',
  Veterans = 'veterans',
  Enterprise = 'enterprise',
  School = 'school',
  Other = 'other',
}

/** Guidance: a leader, a deputy and at least 7 members. Falling short is a warning, not a refusal. */
export const MIN_GROUP_MEMBERS = 7;
