/// <reference types="jest" />
import { currentEnumName, currentServiceNames } from './enum-names';

describe('what the phone kept, named as the API names enum values now', () => {
  it('renames the old PascalCase names and leaves current ones as they are', () => {
    expect(['VneidLevel2', 'FollowUp', 'MissingDocuments', 'Done', 'GroupLead', 'WardOfficer'].map(currentEnumName)).toEqual([
      'VNEID_LEVEL_2',
      'FOLLOW_UP',
      'MISSING_DOCUMENTS',
      'DONE',
      'GROUP_LEAD',
      'WARD_OFFICER',
    ]);
    expect(['VNEID_LEVEL_2', 'FOLLOW_UP', 'OTHER', 'GROUP_LEAD'].map(currentEnumName)).toEqual(['VNEID_LEVEL_2', 'FOLLOW_UP', 'OTHER', 'GROUP_LEAD']);
  });

  it('converts a queued entry written before the rename, and leaves a new one unchanged', () => {
    const old = [
      { service: 'VneidAccount', outcome: 'Done' },
      { service: 'EhealthRecord', outcome: 'FollowUp', reason: 'NoSmartphone' },
      { service: 'Other', outcome: 'FollowUp', reason: 'Other' },
    ];
    const current = [
      { service: 'VNEID_ACCOUNT', outcome: 'DONE' },
      { service: 'EHEALTH_RECORD', outcome: 'FOLLOW_UP', reason: 'NO_SMARTPHONE' },
      { service: 'OTHER', outcome: 'FOLLOW_UP', reason: 'OTHER' },
    ];
    expect(currentServiceNames(old)).toEqual(current);
    expect(currentServiceNames(current)).toEqual(current);
  });
});
