import { defaultDeserialize, defaultSerialize } from '@keyv/serialize';

/**
 * A string value whose opening quote follows `:`, `,` or `[` and is followed by `:`: a string starting with a
 * colon (or an object key doing so), which keyv's format escapes. Buffers become `{"type":"Buffer"…}` in plain
 * JSON, which keyv's format writes as `:base64:` strings instead.
 */
const needsKeyvEscapes = /(^|[:,[])":|"type":"Buffer","data":\[/;

/**
 * Keyv's own text format (`@keyv/serialize`: strings starting with `:` get one more, Buffers become `:base64:`
 * strings), written and read with the engine's JSON where no value needs those escapes — nearly always, since
 * images live in the image store. Keyv's serializer walks every value in JavaScript and its reader revives every
 * string; on the job and board records of a burst that was a tenth of the bot's CPU. Same bytes either way, so
 * data written before reads back unchanged.
 */
export const keyvValueCodec = {
  serialize: (data: unknown): string => {
    const text = JSON.stringify(data);
    return text === undefined || needsKeyvEscapes.test(text) ? defaultSerialize(data) : text;
  },
  deserialize: <Value>(text: string): Value =>
    (needsKeyvEscapes.test(text) ? defaultDeserialize(text) : JSON.parse(text)) as Value,
};
