// Messages between a benchmark and an outside-world child process (bench/world/world-child.ts).
import type { PacedPost, PacedPostOptions } from '../lib/paced-posts.js';

/** A request a sink of the world received: its path, when (epoch ms), and the paced post's marker it carried. */
export interface Arrival {
  path: string;
  receivedAt: number;
  marker?: string;
}

export type WorldCommand =
  | { id: number; type: 'sink'; name: string; hungAfterMs?: number }
  | { id: number; type: 'post'; options: PacedPostOptions }
  | { id: number; type: 'arrivals'; name: string; since: number }
  | { id: number; type: 'close' };

export type WorldAnswer =
  | { id: number; url: string }
  | { id: number; posts: PacedPost[] }
  | { id: number; arrivals: Arrival[] }
  | { id: number; closed: true }
  | { id: number; error: string };
