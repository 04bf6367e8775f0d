import type { SessionFacts } from '@cdtg/notifications';
import { CalendarEvent } from './icalendar';
import { SessionStatus } from './sessions.enums';
import { TrainingSession } from './training-session.entity';

export interface SessionNames {
  groupName: string;
  unitName: string;
  /** Topic names in the reader's language. */
  topics: string[];
}

/** A session as e-mails and calendars show it: names resolved, topics in the reader's language, times in ISO. */
export function sessionFacts(session: TrainingSession, names: { groups: Map<string, string>; units: Map<string, string> }, topics: string[]): SessionFacts {
  return {
    title: session.title,
    startsAt: session.startsAt.toISOString(),
    endsAt: session.endsAt.toISOString(),
    place: session.place,
    groupName: names.groups.get(session.groupId) ?? '',
    unitName: names.units.get(session.unitId) ?? '',
    topics,
  };
}

/**
 * A session as a calendar event. The UID is stable per session and SEQUENCE follows its schedule version (one more
 * once cancelled), so a calendar that holds the event updates it instead of adding a second one. `reader` is where
 * this reader stands: 'cancelled' for them alone (an assignment withdrawn), 'pending' (not answered yet: the event is
 * TENTATIVE, not CONFIRMED), or 'accepted'.
 */
export function sessionEvent(
  session: TrainingSession,
  names: SessionNames,
  language: 'vi' | 'en',
  reader: 'accepted' | 'pending' | 'cancelled' = 'accepted',
): CalendarEvent {
  const cancelled = reader === 'cancelled';
  const isCancelled = cancelled || session.status === SessionStatus.Cancelled;
  const lines =
    language === 'vi'
      ? [
          `Tổ tổ chức: ${names.groupName}`,
          `Nội dung: ${names.topics.join(', ')}`,
          ...(session.status === SessionStatus.Cancelled ? [`Đã hủy: ${session.cancelReason ?? ''}`] : []),
        ]
      : [
          `Organised by: ${names.groupName}`,
          `Topics: ${names.topics.join(', ')}`,
          ...(session.status === SessionStatus.Cancelled ? [`Cancelled: ${session.cancelReason ?? ''}`] : []),
        ];
  return {
    uid: `session-${session.id}@cdtg`,
    sequence: session.version + (isCancelled ? 1 : 0),
    startsAt: session.startsAt,
    endsAt: session.endsAt,
    summary: session.title,
    location: `${session.place}, ${names.unitName}`,
    geo: session.latitude !== null && session.longitude !== null ? { latitude: session.latitude, longitude: session.longitude } : null,
    description: lines.join('\n'),
    status: isCancelled ? 'CANCELLED' : reader === 'pending' ? 'TENTATIVE' : 'CONFIRMED',
    lastModified: session.updatedAt,
  };
}
