import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { sniffImageFormat } from './data-uri-image.js';
import type { FakeState, RecordedRequest } from './fake-state.js';
import {
  type CannedAnswer,
  contentPolicyAnswer,
  defaultStatusAnswer,
  type Fault,
  gatewayError,
} from './faults.js';
import {
  missingThoughtSignature,
  outputSize,
  planGeneration,
  renderGeneration,
  tooLarge,
} from './generation.js';
import { type AnswerItem, sendJson, sendText, writeImagesAnswer } from './response-writer.js';
import { familyOf, parseGenerationBody } from './wire-schemas.js';

const fileExtensions: Record<string, string> = { png: 'png', jpeg: 'jpg', webp: 'webp', gif: 'gif' };

function send(response: ServerResponse, answer: CannedAnswer): void {
  sendJson(response, answer.status, answer.body);
}

function invalidRequest(message: string): CannedAnswer {
  return gatewayError(400, message, 'invalid_request_error', 'invalid_request');
}

function answerItems(
  state: FakeState,
  response: ServerResponse,
  items: readonly AnswerItem[],
): Promise<void> {
  return writeImagesAnswer(response, state.nextShape(), items, Math.floor(Date.now() / 1000));
}

function urlItem(url: string): AnswerItem {
  return { url, bytes: undefined, revisedPrompt: '' };
}

/** Answers a queued fault; returns false when the request should then be answered normally. */
async function applyFault(
  state: FakeState,
  fault: Fault,
  response: ServerResponse,
  requestId: string,
): Promise<boolean> {
  switch (fault.kind) {
    case 'latency':
      await delay(fault.ms, undefined, { signal: state.closing.signal });
      return false;
    case 'status': {
      const headers: Record<string, string> = {};
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = `${fault.retryAfterSeconds}`;
      if (fault.contentType !== undefined) headers['content-type'] = fault.contentType;
      const body = fault.body ?? defaultStatusAnswer(fault.status, requestId).body;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const contentType =
        typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
      response.writeHead(fault.status, { 'content-type': contentType, ...headers });
      response.end(text);
      return true;
    }
    case 'hang':
      return true;
    case 'malformed_json':
      sendText(
        response,
        200,
        'application/json; charset=utf-8',
        '{"code":200,"msg":"操作成功","data":{"data":[{"url":"","b64_',
      );
      return true;
    case 'content_policy':
      send(response, contentPolicyAnswer(fault.style, requestId));
      return true;
    case 'empty':
      await answerItems(state, response, fault.blank ? [urlItem('')] : []);
      return true;
    case 'expired_url':
      await answerItems(state, response, [urlItem(state.storeFile({ kind: 'expired' }, 'jpg'))]);
      return true;
    case 'not_image_url':
      await answerItems(state, response, [urlItem(state.storeFile({ kind: 'html' }, 'png'))]);
      return true;
    case 'foreign_url':
      await answerItems(state, response, [urlItem(fault.url)]);
      return true;
    case 'redirect_url':
      await answerItems(state, response, [
        urlItem(state.storeFile({ kind: 'redirect', location: fault.location }, 'png')),
      ]);
      return true;
  }
}

/** POST /v1/images/generations: auth, validation, faults, then real images. */
export async function handleGeneration(
  state: FakeState,
  request: IncomingMessage,
  response: ServerResponse,
  record: RecordedRequest,
  requestId: string,
): Promise<void> {
  if (state.apiKey !== undefined && request.headers.authorization !== `Bearer ${state.apiKey}`) {
    // The default 401 body never echoes the key that was received.
    return send(response, defaultStatusAnswer(401, requestId));
  }
  if (record.body === undefined || typeof record.body === 'string') {
    return send(response, invalidRequest('body: the request body is not valid JSON'));
  }
  const outcome = parseGenerationBody(record.body);
  const model = outcome.ok ? outcome.request.body.model : outcome.model;
  if (model !== undefined) {
    record.model = model;
    const family = familyOf(model);
    if (family) record.family = family;
  }
  if (!outcome.ok) {
    if (outcome.code === 'invalid_request') return send(response, invalidRequest(outcome.message));
    return sendJson(response, 400, {
      error: { message: outcome.message, type: 'invalid_request_error', code: 'model_not_found' },
    });
  }
  const signatureProblem = missingThoughtSignature(outcome.request);
  if (signatureProblem) {
    return sendJson(response, 400, {
      error: { code: 400, message: signatureProblem, status: 'INVALID_ARGUMENT' },
    });
  }
  const queued = state.faults.take();
  const drawn = queued ? undefined : state.chaos?.draw();
  if (drawn?.delayMs) await delay(drawn.delayMs, undefined, { signal: state.closing.signal });
  const fault = queued ?? drawn?.failure?.fault;
  if (queued) record.fault = queued.kind === 'status' ? `status_${queued.status}` : queued.kind;
  if (drawn?.failure) record.fault = `chaos:${drawn.failure.kind}`;
  if (fault && (await applyFault(state, fault, response, requestId))) return;

  const plan = planGeneration(outcome.request);
  let produced: Buffer[];
  try {
    const fixed = state.fixedImage;
    if (fixed) {
      produced = Array.from({ length: plan.count }, () => fixed);
    } else {
      const problem = tooLarge(await outputSize(plan, state.maxSide));
      if (problem) return send(response, invalidRequest(problem));
      const rendered = await renderGeneration(plan, { maxSide: state.maxSide });
      produced = rendered.images;
      record.seeds = rendered.seeds;
      // Not in the gateway's answer: lets a caller of the fake see the seeds it picked.
      response.setHeader('x-fake-seeds', rendered.seeds.join(','));
    }
  } catch (error) {
    // Magic bytes can look right on bytes sharp cannot decode (a truncated PNG).
    const reason = error instanceof Error ? error.message : String(error);
    return send(response, invalidRequest(`an input image could not be decoded: ${reason}`));
  }
  state.images.push(...produced);
  const asUrl = (state.delivery === 'auto' ? plan.autoDelivery : state.delivery) === 'url';
  const items = produced.map((bytes): AnswerItem => {
    if (!asUrl) {
      const base64 = bytes === state.fixedImage ? state.fixedImageBase64 : undefined;
      return { url: '', bytes, ...(base64 && { base64 }), revisedPrompt: plan.revisedPrompt };
    }
    const format = sniffImageFormat(bytes);
    const contentType = format ? `image/${format}` : 'application/octet-stream';
    const url = state.storeFile(
      { kind: 'image', bytes, contentType },
      (format && fileExtensions[format]) ?? 'bin',
    );
    return { url, bytes: undefined, revisedPrompt: plan.revisedPrompt };
  });
  await answerItems(state, response, items);
}
