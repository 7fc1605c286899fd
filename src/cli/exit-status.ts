/**
 * Ends the command with `status` and prints nothing more: whoever threw it has said why already (a
 * `--workers` primary whose worker printed its one-line error and exited with it).
 */
export class ExitStatus extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`);
    this.name = 'ExitStatus';
  }
}
