/** planned → held (attendance logged) or cancelled (with a reason). Held and cancelled are final. */
export enum SessionStatus {
  Planned = 'planned',
  Held = 'held',
  Cancelled = 'cancelled',
}

export enum AssignmentRole {
  Trainer = 'trainer',
  Assistant = 'assistant',
  Supporter = 'supporter',
}

/** pending → accepted or declined (by the member, or recorded by an officer); withdrawn by an officer. */
export enum AssignmentStatus {
  Pending = 'pending',
  Accepted = 'accepted',
  Declined = 'declined',
  Withdrawn = 'withdrawn',
}

/** Assignments that hold a place in a session (and in the member's time). */
export const ACTIVE_ASSIGNMENT_STATUSES: readonly AssignmentStatus[] = [AssignmentStatus.Pending, AssignmentStatus.Accepted];

/** Who a session is for. */
export enum SessionAudience {
  Residents = 'residents',
  Elderly = 'elderly',
  Students = 'students',
  SmallTraders = 'small_traders',
  Farmers = 'farmers',
  Workers = 'workers',
  PeopleWithDisabilities = 'people_with_disabilities',
}
