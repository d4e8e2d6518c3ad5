/** Exit statuses: 0 ok, 1 operational failure, 2 usage or configuration error, 3 partial result. */
export const EXIT = { ok: 0, failure: 1, usage: 2, partial: 3 } as const;
