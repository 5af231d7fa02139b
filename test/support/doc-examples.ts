/** The eight request bodies of image-api.md, verbatim but for the image placeholder. */
export function docExamples(image: string): Record<string, Record<string, unknown>> {
  const kitten = '一隻可愛的橙色小貓坐在花園裡,陽光明媚,高質量攝影';
  const oilPainting = '將這張圖片改成油畫風格';
  return {
    'Gemini text to image': {
      model: 'gemini-2.5-flash-image',
      prompt: kitten,
      size: '16:9',
      quality: 'high',
      n: 1,
      temperature: 1.1,
      top_p: 0.95,
      response_format: 'b64_json',
      image_size: '2K',
      mime_type: 'image/png',
      response_modalities: 'image',
    },
    'Gemini edit': {
      model: 'gemini-2.5-flash-image',
      size: '16:9',
      quality: 'high',
      image_size: '3K',
      temperature: 1.1,
      top_p: 0.95,
      response_format: 'b64_json',
      contents: [{ role: 'user', parts: [{ text: '根據這張圖生成一張俯瞰廣州塔的圖片' }, { image }] }],
    },
    'Seedream text to image': {
      model: 'doubao-seedream-4-0-250828',
      prompt: kitten,
      size: '2048x2048',
      watermark: false,
      seed: 12345,
      optimize_prompt_options: { mode: 'standard' },
    },
    'Seedream edit': {
      model: 'doubao-seedream-4-0-250828',
      prompt: oilPainting,
      size: '2048x2048',
      watermark: false,
      seed: 12345,
      contents: [{ role: 'user', parts: [{ image }, { text: oilPainting }] }],
    },
    'GPT Image text to image': {
      model: 'gpt-image-1',
      prompt: kitten,
      size: '1024x1024',
      quality: 'high',
      n: 1,
    },
    'GPT Image edit': {
      model: 'gpt-image-1',
      prompt: oilPainting,
      size: '1024x1024',
      quality: 'high',
      input_fidelity: 'medium',
      n: 1,
      image,
    },
    'Qwen text to image': {
      model: 'qwen-image-plus',
      input: {
        messages: [
          {
            role: 'user',
            content: [{ text: '一副典雅莊重的對聯懸掛於廳堂之中,房間是個安靜古典的中式佈置' }],
          },
        ],
      },
      parameters: { negative_prompt: '1', prompt_extend: true, seed: '4', watermark: true },
    },
    'Seedream base (last example)': {
      model: 'seedream-4.0-base',
      prompt: '一隻可愛的橙色小貓坐在花園裡',
      size: '1024x1024',
      n: 1,
    },
  };
}
