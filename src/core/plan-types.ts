import type { Warning } from './request.js';

/** One HTTP call to `POST /v1/images/generations`: the exact JSON body, and how many images it should yield. */
export interface WireCall {
  /** JSON values, except input images: DataUri values the client streams (JSON.stringify gives the wire text). */
  body: Record<string, unknown>;
  expectedImages: number;
  /** The seed this call's body carries, when the model takes one: every image of the call was made with it. */
  seed?: number;
}

/** What a validated request turns into: the calls to make (in parallel, under the concurrency cap) and warnings. */
export interface RequestPlan {
  /** Canonical model id (aliases resolved). */
  modelId: string;
  calls: WireCall[];
  warnings: Warning[];
  /** The size and resolution tier as sent (a ratio may have become the model's nearest preset). */
  sent: { size?: string; resolution?: string };
}
