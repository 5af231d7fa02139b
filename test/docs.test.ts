import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../src/config.js';
import { modelTable } from '../src/core/models/table.js';

// The README and .env.example are where users learn the names; these keep them true as the code changes.
describe('the docs', () => {
  it('name every configuration variable in the README and in .env.example', async () => {
    const readme = await readFile('README.md', 'utf8');
    const example = await readFile('.env.example', 'utf8');
    for (const variable of Object.keys(configSchema.shape)) {
      expect(readme, `README.md lacks ${variable}`).toContain(`\`${variable}`);
      expect(example, `.env.example lacks ${variable}`).toMatch(new RegExp(`^#? ?${variable}=`, 'm'));
    }
  });

  it('list every model id and its first alias in the README', async () => {
    const readme = await readFile('README.md', 'utf8');
    for (const row of modelTable) {
      expect(readme).toContain(`\`${row.id}\``);
      expect(readme).toContain(`\`${row.aliases[0]}\``);
    }
  });

  it('give the same test command in the README as .ci/run runs', async () => {
    const readme = await readFile('README.md', 'utf8');
    const ci = await readFile('.ci/run', 'utf8');
    expect(readme).toContain('npm test ');
    expect(ci).toMatch(/^npm test$/m);
  });
});
