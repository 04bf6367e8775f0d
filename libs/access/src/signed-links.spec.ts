import { loadConfig } from '@cdtg/config';
import { SignedLinks } from './signed-links';

describe('signed links: the assignment response link', () => {
  const links = new SignedLinks(loadConfig({}, { PUBLIC_URL: 'https://cdtg.danang.gov.vn' }));
  const id = '3f2b8c1e-7d4a-4b9e-9c1f-0a2b3c4d5e6f';

  it('is short enough for an SMS and names its assignment', () => {
    const url = links.assignmentResponseUrl(id);
    expect(url).toMatch(/^https:\/\/cdtg\.danang\.gov\.vn\/r\/[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
    expect(url.length).toBeLessThanOrEqual(75);
    expect(links.assignmentOfResponseToken(url.split('/r/')[1])).toBe(id);
  });

  it('refuses a token changed in any character, another purpose, another key, or junk', () => {
    const token = links.assignmentResponseToken(id);
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      // Each position changed to two other characters: one of them flips only the last character's unused bits.
      for (const c of ['A', 'B', 'w'].filter((x) => x !== token[i]).slice(0, 2)) {
        expect(links.assignmentOfResponseToken(token.slice(0, i) + c + token.slice(i + 1))).toBeNull();
      }
    }
    const other = new SignedLinks(loadConfig({}, { AUTH_SECRET: 'another-secret-of-at-least-thirty-two-characters' }));
    expect(other.assignmentOfResponseToken(token)).toBeNull();
    expect(links.assignmentOfResponseToken(`${token.split('.')[0]}.${links.signature('calendar-feed', id).slice(0, 22)}`)).toBeNull();
    for (const junk of ['', 'x', 'nonsense.nonsense', `${token}.x`]) expect(links.assignmentOfResponseToken(junk)).toBeNull();
  });
});
