/** Reads the conversation history through the admin API, as an operator would. */
export interface HistoryMessage {
  role: 'user' | 'assistant';
  source: string;
  text: string;
  fullText: string | null;
  interrupted: boolean;
  turnId: string | null;
}

export async function activeHistory(baseUrl: string, token: string): Promise<HistoryMessage[]> {
  const headers = { authorization: `Bearer ${token}` };
  const list = (await (await fetch(`${baseUrl}/admin/history`, { headers })).json()) as { active: string };
  const conv = (await (await fetch(`${baseUrl}/admin/history/${list.active}`, { headers })).json()) as { messages: HistoryMessage[] };
  return conv.messages;
}
