import { isActiveMember, isCurrentMembership } from './directory-current';

describe('active and current: started and not ended', () => {
  const today = '2026-12-05';
  it('a member is active from the day they joined until they leave', () => {
    expect(isActiveMember({ joinedOn: '2026-12-05', leftOn: null }, today)).toBe(true);
    expect(isActiveMember({ joinedOn: '2099-01-01', leftOn: null }, today)).toBe(false); // joined "in the future" (data written before that was refused)
    expect(isActiveMember({ joinedOn: '2025-01-01', leftOn: '2026-12-05' }, today)).toBe(false); // left today: ended at once
    expect(isActiveMember({ joinedOn: '2025-01-01', leftOn: '2027-01-01' }, today)).toBe(false); // a set left_on has freed the phone number
  });

  it('a membership is current once it has begun, while it is open', () => {
    expect(isCurrentMembership({ fromDate: '2026-01-01', toDate: null }, today)).toBe(true);
    expect(isCurrentMembership({ fromDate: '2026-12-06', toDate: null }, today)).toBe(false);
    expect(isCurrentMembership({ fromDate: '2026-01-01', toDate: '2026-12-05' }, today)).toBe(false);
  });
});
