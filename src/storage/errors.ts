/** Why a blob was refused. The HTTP layer maps each to a status and an error code. */
export class BlobRejectedError extends Error {}

export class DigestMismatchError extends BlobRejectedError {
  constructor(expected: string, actual: string) {
    super(`The body's sha256 is ${actual}, not ${expected}: nothing was stored.`);
  }
}

export class BlobTooLargeError extends BlobRejectedError {
  constructor(readonly maxBytes: number) {
    super(`The blob exceeds MAX_BLOB_BYTES (${maxBytes} bytes): nothing was stored.`);
  }
}

export class BlobLengthError extends BlobRejectedError {
  constructor(expected: number, actual: number) {
    super(`Content-Length said ${expected} bytes but ${actual} arrived: nothing was stored.`);
  }
}
