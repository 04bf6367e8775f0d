import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { buildApiSchema } from '../schema-sdl';

/** `npm run schema`: writes schema.graphql from the code-first resolvers. */
async function main(): Promise<void> {
  writeFileSync('schema.graphql', await buildApiSchema());
  process.stdout.write('schema.graphql written\n');
}

void main();
