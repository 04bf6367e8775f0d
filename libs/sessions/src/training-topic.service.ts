import { Injectable } from '@nestjs/common';
import { DomainError, Reason } from '@cdtg/errors';
import { SessionRepository } from './session.repository';
import { TrainingTopic } from './training-topic.entity';

/** The training-topic catalogue: what sessions may teach, the topic names, and the skill each topic calls for. */
@Injectable()
export class TrainingTopicService {
  constructor(private readonly repository: SessionRepository) {}

  all(): Promise<TrainingTopic[]> {
    return this.repository.topics();
  }

  async byCode(): Promise<Map<string, TrainingTopic>> {
    return new Map((await this.all()).map((t) => [t.code, t]));
  }

  /** Distinct, known topic codes (at least one), in the catalogue's order; a clear error naming `field` otherwise. */
  async validate(codes: readonly string[], field: string): Promise<string[]> {
    const catalogue = await this.all();
    const wanted = new Set(codes);
    const unknown = [...wanted].filter((c) => !catalogue.some((t) => t.code === c));
    if (unknown.length) throw DomainError.invalid(field, Reason.NotInList, { allowed: catalogue.map((t) => t.code), given: unknown });
    if (!wanted.size) throw DomainError.invalid(field, Reason.TooFew, { min: 1 });
    return catalogue.filter((t) => wanted.has(t.code)).map((t) => t.code);
  }

  /** Topic names in a language, in the order given (unknown codes as they are). */
  names(catalogue: Map<string, TrainingTopic>, codes: readonly string[], language: 'vi' | 'en'): string[] {
    return codes.map((c) => (catalogue.get(c) ? (language === 'vi' ? catalogue.get(c)!.nameVi : catalogue.get(c)!.nameEn) : c));
  }

  /** The distinct skills a session's topics call for. */
  requiredSkills(catalogue: Map<string, TrainingTopic>, codes: readonly string[]): string[] {
    return [...new Set(codes.map((c) => catalogue.get(c)?.skillCode).filter((s): s is string => !!s))];
  }
}
