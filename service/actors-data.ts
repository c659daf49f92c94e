// The eight actors the original Flask service served, in id order. Frozen: handlers share them.

export interface Actor {
  id: number;
  actor: string;
  role: string;
}

export const ACTORS: readonly Actor[] = Object.freeze(
  [
    { id: 1, actor: 'William Shatner', role: 'James T' },
    { id: 2, actor: 'Leonard Nimoy', role: 'Spock' },
    { id: 3, actor: 'DeForest Kelley', role: 'Leonard McCoy' },
    { id: 4, actor: 'James Doohan', role: 'Montgomery Scott' },
    { id: 5, actor: 'George Takei', role: 'Hikaru Sulu' },
    { id: 6, actor: 'Walter Koenig', role: 'Pavel Chekov' },
    { id: 7, actor: 'Nichelle Nichols', role: 'Nyota Uhura' },
    { id: 8, actor: 'Majel Barrett', role: 'Christine Chapel' },
  ].map((actor) => Object.freeze(actor)),
);

const BY_ID = new Map(ACTORS.map((actor) => [actor.id, actor]));

export function findActor(id: number): Actor | undefined {
  return BY_ID.get(id);
}
