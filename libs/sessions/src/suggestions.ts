/** What is known about one candidate for a session (from SQL). */
export interface SuggestionFacts {
  memberId: string;
  fullName: string;
  /** Skills the session's topics call for (through training_topic.skill_code). */
  requiredSkills: string[];
  /** Those of them the member has. */
  matchedSkills: string[];
  /** The member's current group is the session's group. */
  sameGroup: boolean;
  /** The member's group serves the unit the session is held in (the same residential group or commune). */
  sameUnit: boolean;
  /** Pending or accepted assignments made in the last 30 days. */
  recentAssignments: number;
}

export interface Suggestion extends SuggestionFacts {
  score: number;
  skillPoints: number;
  localityPoints: number;
  fairnessPoints: number;
}

export const SKILL_POINTS = 50;
export const NEAR_POINTS = 30;
export const SAME_COMMUNE_POINTS = 10;
export const FAIRNESS_POINTS = 20;

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * The one scoring formula (0–100), explained in docs/sessions.md:
 *   skills    50 × (topic skills the member has) / (topic skills the session needs)
 *   locality  30 when the member's group is the session's group or serves the unit it is held in, else 10
 *             (every candidate is from the session's commune)
 *   fairness  20 / (1 + pending or accepted assignments made in the last 30 days)
 */
export function scoreSuggestion(facts: SuggestionFacts): Suggestion {
  const skillPoints = facts.requiredSkills.length ? round1((SKILL_POINTS * facts.matchedSkills.length) / facts.requiredSkills.length) : 0;
  const localityPoints = facts.sameGroup || facts.sameUnit ? NEAR_POINTS : SAME_COMMUNE_POINTS;
  const fairnessPoints = round1(FAIRNESS_POINTS / (1 + facts.recentAssignments));
  return { ...facts, skillPoints, localityPoints, fairnessPoints, score: round1(skillPoints + localityPoints + fairnessPoints) };
}

/** Best first; ties go to the member with fewer recent assignments, then by name. */
export function rankSuggestions(candidates: SuggestionFacts[], first: number): Suggestion[] {
  return candidates
    .map(scoreSuggestion)
    .sort((a, b) => b.score - a.score || a.recentAssignments - b.recentAssignments || a.fullName.localeCompare(b.fullName, 'vi'))
    .slice(0, first);
}

/** Why a member is suggested, in Vietnamese or English: each part of the score with its reason. */
export function explainSuggestion(s: Suggestion, language: 'vi' | 'en'): string {
  const skills = `${s.matchedSkills.length}/${s.requiredSkills.length}${s.matchedSkills.length ? ` (${s.matchedSkills.join(', ')})` : ''}`;
  if (language === 'vi') {
    const place = s.sameGroup ? 'cùng tổ tổ chức buổi học' : s.sameUnit ? 'tổ phục vụ đúng nơi tổ chức' : 'cùng phường/xã';
    return `Kỹ năng phù hợp ${skills}: +${s.skillPoints}; ${place}: +${s.localityPoints}; ${s.recentAssignments} phân công trong 30 ngày qua: +${s.fairnessPoints}; tổng ${s.score}/100`;
  }
  const place = s.sameGroup ? 'member of the organising group' : s.sameUnit ? 'group serves the place of the session' : 'same commune';
  return `matching skills ${skills}: +${s.skillPoints}; ${place}: +${s.localityPoints}; ${s.recentAssignments} assignment(s) in the last 30 days: +${s.fairnessPoints}; total ${s.score}/100`;
}
