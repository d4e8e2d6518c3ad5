/**
 * `--out`: the report files copied into a local directory as they are written into the store, so
 * no file is read back or held whole for it. Nobody sees a copy before the report is stored (each
 * is a temporary file until commit()), and a copy that cannot be written does not stop the report:
 * it is stored (write-once) and the failure is reported after, naming the file.
 */
import { type StagedOutputFile, stageOutputFile } from '../core/outputDirectory.js';

export class OutputCopyError extends Error {
  override readonly name = 'OutputCopyError';
  constructor(
    readonly file: string,
    readonly problem: unknown,
  ) {
    super(`cannot write ${file}`);
  }
}

export class OutputCopies {
  readonly #staged: Array<[string, StagedOutputFile]> = [];
  #failure: OutputCopyError | null = null;

  constructor(readonly dir: string) {}

  /** Where the bytes of `file` go as they are stored (nowhere once a copy has failed). */
  async copierOf(file: string): Promise<(bytes: Uint8Array) => Promise<void>> {
    const ignore = async () => undefined;
    if (this.#failure) return ignore;
    let staged: StagedOutputFile;
    try {
      staged = await stageOutputFile(this.dir, file);
    } catch (error) {
      this.#failure = new OutputCopyError(file, error);
      return ignore;
    }
    this.#staged.push([file, staged]);
    return async (bytes) => {
      if (this.#failure) return;
      try {
        await staged.write(bytes);
      } catch (error) {
        this.#failure = new OutputCopyError(file, error);
      }
    };
  }

  /** Puts every copy in place; OutputCopyError (and no copy left behind) when one could not be written. */
  async commit(): Promise<void> {
    if (this.#failure) {
      await this.discard();
      throw this.#failure;
    }
    for (const [file, staged] of this.#staged) {
      try {
        await staged.commit();
      } catch (error) {
        await this.discard();
        throw new OutputCopyError(file, error);
      }
    }
  }

  /** Removes the copies not yet in place. */
  async discard(): Promise<void> {
    for (const [, staged] of this.#staged) await staged.discard();
  }
}
