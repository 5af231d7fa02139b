// `node --import ./record-loaded-modules.mjs …`: appends every module URL the process resolves to the file named by
// LOADED_MODULES_FILE, one a line, so a test can check what a command loaded (a fact, not a time).
import { register } from 'node:module';

register('./record-loaded-modules-hooks.mjs', import.meta.url, {
  data: { file: process.env.LOADED_MODULES_FILE },
});
