import { createHash } from 'node:crypto';

/**
 * What a fake image shows, as SVG: a gradient and a few shapes whose colours and layout come from a hash of
 * (model, seed, variant, prompt), a band in the model's own colour, and labels naming the model, the seed, the
 * size and the prompt's first words. Pure string building; render.ts turns it into pixels with sharp.
 */

export interface SceneSpec {
  model: string;
  seed: number;
  /** The fake picked the seed (the request sent none). */
  seedPicked: boolean;
  prompt: string;
  width: number;
  height: number;
  /** Which of `count` images of one answer this is (0 for the first). */
  variant: number;
  count: number;
}

/** Deterministic bytes from a text: sha256 blocks of (text, block number), as many as asked. */
function byteStream(text: string): () => number {
  let block = Buffer.alloc(0);
  let blockNumber = 0;
  let position = 0;
  return () => {
    if (position >= block.length) {
      block = createHash('sha256').update(`${blockNumber}\n${text}`).digest();
      blockNumber += 1;
      position = 0;
    }
    const byte = block[position] ?? 0;
    position += 1;
    return byte;
  };
}

/** A value in [0, 1) from the stream. */
function unit(next: () => number): number {
  return (next() * 256 + next()) / 65536;
}

function colour(next: () => number, lightness: [number, number]): string {
  const hue = Math.floor(unit(next) * 360);
  const saturation = 45 + Math.floor(unit(next) * 50);
  const light = lightness[0] + Math.floor(unit(next) * (lightness[1] - lightness[0]));
  return `hsl(${hue},${saturation}%,${light}%)`;
}

const shapeKinds = ['circle', 'rect', 'triangle', 'ellipse', 'ring'] as const;

function shape(next: () => number, width: number, height: number): string {
  const kind = shapeKinds[next() % shapeKinds.length] ?? 'circle';
  const side = Math.min(width, height);
  const cx = round(unit(next) * width);
  const cy = round(unit(next) * height);
  const size = round(side * (0.12 + unit(next) * 0.3));
  const fill = colour(next, [30, 80]);
  const opacity = (0.55 + unit(next) * 0.45).toFixed(2);
  const angle = Math.floor(unit(next) * 360);
  const paint = `fill="${fill}" fill-opacity="${opacity}"`;
  switch (kind) {
    case 'circle':
      return `<circle cx="${cx}" cy="${cy}" r="${size}" ${paint}/>`;
    case 'rect':
      return `<rect x="${cx - size}" y="${cy - size / 2}" width="${size * 2}" height="${size}" ${paint} transform="rotate(${angle} ${cx} ${cy})"/>`;
    case 'triangle': {
      const corner = (turn: number) => {
        const radians = ((angle + turn) * Math.PI) / 180;
        return `${round(cx + size * Math.cos(radians))},${round(cy + size * Math.sin(radians))}`;
      };
      return `<polygon points="${corner(0)} ${corner(120)} ${corner(240)}" ${paint}/>`;
    }
    case 'ellipse':
      return `<ellipse cx="${cx}" cy="${cy}" rx="${size}" ry="${round(size * 0.55)}" ${paint} transform="rotate(${angle} ${cx} ${cy})"/>`;
    case 'ring':
      return `<circle cx="${cx}" cy="${cy}" r="${size}" fill="none" stroke="${fill}" stroke-opacity="${opacity}" stroke-width="${round(size * 0.3)}"/>`;
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** XML 1.0's Char production: tab, newline, return and everything from space up, but no lone surrogate. */
function isXmlCharacter(character: string): boolean {
  const code = character.codePointAt(0) ?? 0;
  if (code === 0x9 || code === 0xa || code === 0xd) return true;
  if (code < 0x20 || code === 0x7f) return false;
  return !(code >= 0xd800 && code <= 0xdfff) && code !== 0xfffe && code !== 0xffff;
}

const xmlEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Text safe inside an XML element or attribute: escaped, without the characters XML forbids. */
export function escapeXml(text: string): string {
  // for…of walks code points; a lone surrogate comes out alone and is dropped.
  let escaped = '';
  for (const character of text) {
    if (isXmlCharacter(character)) escaped += xmlEntities[character] ?? character;
  }
  return escaped;
}

const maxPromptWords = 6;
const maxPromptCharacters = 40;

/** `“a red fox in the snow…”`: the prompt's first words, on one line. */
export function promptExcerpt(prompt: string): string {
  const words = prompt.trim().split(/\s+/).filter(Boolean);
  let text = words.slice(0, maxPromptWords).join(' ');
  const characters = Array.from(text);
  if (characters.length > maxPromptCharacters) text = characters.slice(0, maxPromptCharacters - 1).join('');
  const cut = words.length > maxPromptWords || characters.length > maxPromptCharacters;
  return `“${text.trimEnd()}${cut ? '…' : ''}”`;
}

/** The lines written on the image: model; seed (· n of count) · size; the prompt's first words. */
export function labelLines(spec: SceneSpec): [string, string, string] {
  const seed = spec.seedPicked ? `random seed ${spec.seed}` : `seed ${spec.seed}`;
  const position = spec.count > 1 ? ` · image ${spec.variant + 1} of ${spec.count}` : '';
  return [spec.model, `${seed}${position} · ${spec.width}×${spec.height}`, promptExcerpt(spec.prompt)];
}

const fontFamily = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';
// Average advance of a sans-serif glyph, in ems: enough to keep a line inside the image.
const glyphWidth = 0.6;

function textLine(text: string, x: number, baseline: number, maxWidth: number, size: number): string {
  const fitted = Math.min(size, maxWidth / (glyphWidth * Math.max(1, Array.from(text).length)));
  return `<text x="${round(x)}" y="${round(baseline)}" font-family="${fontFamily}" font-size="${round(fitted)}" fill="#ffffff">${escapeXml(text)}</text>`;
}

/** The labels over dark bands (top: the model in its colour; bottom: seed, size, prompt). */
export function labelsSvg(spec: SceneSpec): string {
  const { width, height } = spec;
  const [model, seed, prompt] = labelLines(spec);
  const size = Math.max(1, Math.min(width, height) * 0.06);
  const margin = size * 0.6;
  const band = size * 1.6;
  const bottom = size * 3;
  const modelColour = colour(byteStream(`model\n${spec.model}`), [25, 45]);
  const usable = width - margin * 2;
  return [
    `<rect x="0" y="0" width="${width}" height="${round(band)}" fill="${modelColour}" fill-opacity="0.85"/>`,
    `<rect x="0" y="${round(height - bottom)}" width="${width}" height="${round(bottom)}" fill="#000000" fill-opacity="0.55"/>`,
    textLine(model, margin, band * 0.7, usable, size),
    textLine(seed, margin, height - bottom + size * 1.2, usable, size * 0.85),
    textLine(prompt, margin, height - size * 0.5, usable, size),
  ].join('');
}

/** Gradient and shapes; `opacity` below 1 lets an edit's input show through. */
export function sceneSvg(spec: SceneSpec, opacity = 1): string {
  const { width, height } = spec;
  const next = byteStream(`${spec.model}\n${spec.seed}\n${spec.variant}\n${spec.prompt}`);
  const from = colour(next, [15, 60]);
  const to = colour(next, [30, 85]);
  const angle = Math.floor(unit(next) * 360);
  const shapes = Array.from({ length: 4 + (next() % 4) }, () => shape(next, width, height));
  return [
    `<defs><linearGradient id="ground" gradientTransform="rotate(${angle} 0.5 0.5)">`,
    `<stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>`,
    `<g opacity="${opacity}"><rect width="${width}" height="${height}" fill="url(#ground)"/>${shapes.join('')}</g>`,
  ].join('');
}

export function svgDocument(width: number, height: number, content: string): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${content}</svg>`,
  );
}
