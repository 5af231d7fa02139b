import type { types } from '@slack/bolt';
import { z } from 'zod';

export const editModalCallbackId = 'imagine-edit';
const blockId = 'edit';
const actionId = 'text';

/** Where the edit came from, carried through the modal (the view has no channel of its own). */
export const editOriginSchema = z.object({
  jobId: z.string().min(1),
  channel: z.string().min(1),
  threadTs: z.string().optional(),
});
export type EditOrigin = z.infer<typeof editOriginSchema>;

/** The ✏ Edit button's modal: one text box, "what should change?" (inline --flags work there too). */
export function editModal(origin: EditOrigin): types.ModalView {
  return {
    type: 'modal',
    callback_id: editModalCallbackId,
    private_metadata: JSON.stringify(origin),
    title: { type: 'plain_text', text: 'Edit image' },
    submit: { type: 'plain_text', text: 'Edit' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: blockId,
        label: { type: 'plain_text', text: 'What should change?' },
        element: {
          type: 'plain_text_input',
          action_id: actionId,
          multiline: true,
          placeholder: { type: 'plain_text', text: 'make the sky purple --ar 16:9' },
        },
      },
    ],
  };
}

const submissionSchema = z.object({
  private_metadata: z.string(),
  state: z.object({
    values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullish() }))),
  }),
});

/** The origin and the typed text of a submitted edit modal; undefined when the view is not ours. */
export function readEditSubmission(view: unknown): { origin: EditOrigin; text: string } | undefined {
  const submission = submissionSchema.safeParse(view);
  if (!submission.success) return undefined;
  const origin = editOriginSchema.safeParse(parseJson(submission.data.private_metadata));
  if (!origin.success) return undefined;
  const text = submission.data.state.values[blockId]?.[actionId]?.value ?? '';
  return { origin: origin.data, text: text.trim() };
}

export const editInputErrors = { [blockId]: 'Say what to change, e.g. "make the sky purple".' };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
