import { dirname } from "node:path";

/**
 * dynalite (4.0) turns abstract-level iterators into streams and, when a stream ends, closes
 * the iterator by calling `iterator.return()`. abstract-level 3 iterators have no `return()`;
 * they close with `close()`. So every Query and Scan left an open iterator registered on the
 * database, holding its snapshot of the data: about 1 KB per `GET /get_servers?page=` on an idle
 * table, far more under churn, never freed. Measured: 5,001 lists left 5,001 open iterators.
 * Giving the iterator classes the `return()` dynalite expects closes each one when its stream
 * ends. It is installed on the copy of abstract-level that dynalite's databases use.
 */
export function closeDynaliteIterators(): void {
  const dynaliteDir = dirname(require.resolve("dynalite"));
  const levelDir = dirname(require.resolve("memory-level", { paths: [dynaliteDir] }));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const abstractLevel = require(require.resolve("abstract-level", { paths: [levelDir] })) as Record<
    string,
    { prototype: { return?: () => Promise<void>; close(): Promise<void> } }
  >;
  for (const name of ["AbstractIterator", "AbstractKeyIterator", "AbstractValueIterator"]) {
    const prototype = abstractLevel[name].prototype;
    if (typeof prototype.return === "function") continue;
    prototype.return = function (this: { close(): Promise<void> }) {
      return this.close();
    };
  }
}
