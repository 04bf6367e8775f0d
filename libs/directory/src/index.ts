export * from './directory.enums';
export * from './member.entity';
export * from './membership.entity';
export * from './skill.entity';
export * from './volunteer-group.entity';
