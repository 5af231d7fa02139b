import { z } from 'zod';
import { findModel, modelTable } from './core/models/table.js';

/* The kinds of environment value the config reads: each a zod schema whose error names the variable. */

export const wholeNumber = (name: string, what: string, min: number, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value === '') return fallback;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < min) {
        context.addIssue({ code: 'custom', message: `${name} must be ${what} (got "${value}").` });
        return z.NEVER;
      }
      return parsed;
    });

export const httpUrl = (name: string, fallback: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, context) => {
      const text = value === undefined || value === '' ? fallback : value;
      try {
        const url = new URL(text);
        if (url.protocol === 'http:' || url.protocol === 'https:') return text.replace(/\/+$/, '');
      } catch {}
      context.addIssue({ code: 'custom', message: `${name} must be an http(s) URL (got "${text}").` });
      return z.NEVER;
    });

export const modelName = z
  .string()
  .trim()
  .optional()
  .transform((value, context) => {
    const name = value === undefined || value === '' ? 'gemini-2.5-flash-image' : value;
    // A bare prompt goes to the default model, so an edit-only model would fail every one of them.
    const row = findModel(name);
    if (row?.capabilities.textToImage) return row.id;
    const valid = modelTable
      .filter((candidate) => candidate.capabilities.textToImage)
      .map((candidate) => candidate.aliases[0] ?? candidate.id)
      .join(', ');
    context.addIssue({
      code: 'custom',
      message: `DEFAULT_MODEL must be a model that makes images from text: ${valid} (got "${name}").`,
    });
    return z.NEVER;
  });

export const idList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  );
export const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

/** 25 MB as Discord counts it (25 MiB, its free upload limit), far above any model's input limit. */
